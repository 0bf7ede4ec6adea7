package nn

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/go-tune/tune/learn/optim"
)

// sgd is plain SGD with PyTorch's momentum (buf = m buf + g; p -= lr buf),
// enough of an optim.Optimizer for these tests while learn/optim's are
// written.
type sgd struct {
	lr, momentum float64
	buf          [][]float32
}

func (s *sgd) Step(params []optim.Param) {
	if s.buf == nil && s.momentum != 0 {
		for _, p := range params {
			s.buf = append(s.buf, make([]float32, len(p.Value)))
		}
	}
	lr, m := float32(s.lr), float32(s.momentum)
	for i, p := range params {
		for j, g := range p.Grad {
			if m != 0 {
				s.buf[i][j] = m*s.buf[i][j] + g
				g = s.buf[i][j]
			}
			p.Value[j] -= lr * g
		}
	}
}

func (s *sgd) LR() float64      { return s.lr }
func (s *sgd) SetLR(lr float64) { s.lr = lr }

func (s *sgd) MarshalBinary() ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(nil, math.Float64bits(s.lr))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.momentum))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.buf)))
	for _, v := range s.buf {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		for _, f := range v {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
		}
	}
	return b, nil
}

func (s *sgd) UnmarshalBinary(b []byte) error {
	if len(b) < 20 {
		return fmt.Errorf("sgd: %d bytes", len(b))
	}
	s.lr = math.Float64frombits(binary.LittleEndian.Uint64(b))
	s.momentum = math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
	n := binary.LittleEndian.Uint32(b[16:])
	b = b[20:]
	s.buf = nil
	for range n {
		if len(b) < 4 {
			return fmt.Errorf("sgd: cut short")
		}
		k := int(binary.LittleEndian.Uint32(b))
		b = b[4:]
		if len(b) < 4*k {
			return fmt.Errorf("sgd: cut short")
		}
		v := make([]float32, k)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
		}
		s.buf = append(s.buf, v)
		b = b[4*k:]
	}
	return nil
}
