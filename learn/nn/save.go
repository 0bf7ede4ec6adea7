package nn

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-tune/tune/learn/optim"
)

// The file that Save writes, version 1, little-endian throughout:
//
//	magic    "GOTUNENN"
//	version  uint32 (1)
//	input    shape: uint32 rank, then uint32 dimensions
//	layers   uint32 count, then per layer:
//	           type (string), output shape,
//	           uint32 arrays, then per array: name (string),
//	           uint8 kind (0 parameter, 1 state), uint64 length
//	values   every array's float32 values, in that order
//	opt      uint8 present; if 1: its Go type (string), uint64 length,
//	         then its MarshalBinary bytes
//	crc      uint32 IEEE CRC-32 of every byte before it
//
// A string is a uint16 length, then its bytes. The header describes the
// architecture, so that Load can say which layer or shape differs before
// it reads any value.

const (
	fileMagic   = "GOTUNENN"
	fileVersion = 1
)

var (
	// ErrFormat reports a file that is not one Save wrote: another
	// magic or version, cut short, corrupted (checksum).
	ErrFormat = errors.New("nn: not a valid model file")
	// ErrMismatch reports a file saved from another architecture (or
	// with another optimizer) than the one it is loaded into.
	ErrMismatch = errors.New("nn: file does not match the model")
)

// savedArray is one array of a saved layer.
type savedArray struct {
	name  string
	state bool
	value []float32
}

// savedLayer is one layer as the header describes it.
type savedLayer struct {
	typ    string
	shape  []int
	arrays []savedArray
}

// describe returns the model's layers as Save writes them.
func describe(m *Sequential) []savedLayer {
	ls := make([]savedLayer, len(m.layers))
	for i, l := range m.layers {
		s := savedLayer{typ: LayerType(l), shape: m.shapes[i+1]}
		for _, p := range l.Params() {
			s.arrays = append(s.arrays, savedArray{name: p.Name, value: p.Value})
		}
		if st, ok := l.(Stateful); ok {
			for _, p := range st.State() {
				s.arrays = append(s.arrays, savedArray{name: p.Name, state: true, value: p.Value})
			}
		}
		ls[i] = s
	}
	return ls
}

// Save writes the model's weights and state (BatchNorm's running
// statistics) and, if opt is not nil, the optimizer's state
// (MarshalBinary), so that Load can resume training exactly. The format
// (documented in save.go) is versioned and checksummed and describes the
// architecture. The model must not be training while it is saved.
func Save(w io.Writer, m *Sequential, opt optim.Optimizer) error {
	var blob []byte
	if opt != nil {
		var err error
		if blob, err = opt.MarshalBinary(); err != nil {
			return fmt.Errorf("nn: save: optimizer: %w", err)
		}
	}
	bw := bufio.NewWriter(w)
	e := &encoder{w: bw, h: crc32.NewIEEE()}
	e.bytes([]byte(fileMagic))
	e.u32(fileVersion)
	e.shape(m.shapes[0])
	layers := describe(m)
	e.u32(uint32(len(layers)))
	for _, l := range layers {
		e.str(l.typ)
		e.shape(l.shape)
		e.u32(uint32(len(l.arrays)))
		for _, a := range l.arrays {
			e.str(a.name)
			kind := byte(0)
			if a.state {
				kind = 1
			}
			e.bytes([]byte{kind})
			e.u64(uint64(len(a.value)))
		}
	}
	for _, l := range layers {
		for _, a := range l.arrays {
			e.floats(a.value)
		}
	}
	if opt == nil {
		e.bytes([]byte{0})
	} else {
		e.bytes([]byte{1})
		e.str(fmt.Sprintf("%T", opt))
		e.u64(uint64(len(blob)))
		e.bytes(blob)
	}
	sum := e.h.Sum32()
	e.h = nil
	e.u32(sum)
	if e.err != nil {
		return fmt.Errorf("nn: save: %w", e.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("nn: save: %w", err)
	}
	return nil
}

// Load reads a file that Save wrote into m, and into opt unless it is
// nil. It checks the whole file (architecture, length, checksum) before
// it changes anything: an error wrapping ErrMismatch says which layer,
// shape or array differs from m, or that the optimizer's type differs or
// its state is missing; one wrapping ErrFormat says the file is not valid.
// An error from opt.UnmarshalBinary leaves m unchanged (opt may not be).
func Load(r io.Reader, m *Sequential, opt optim.Optimizer) error {
	d := &decoder{r: bufio.NewReader(r), h: crc32.NewIEEE()}
	magic := d.bytes(len(fileMagic))
	if d.err == nil && string(magic) != fileMagic {
		return fmt.Errorf("%w: no %q magic at the start", ErrFormat, fileMagic)
	}
	if v := d.u32(); d.err == nil && v != fileVersion {
		return fmt.Errorf("%w: version %d, this package reads %d", ErrFormat, v, fileVersion)
	}
	in := d.shape()
	if d.err != nil {
		return d.fail()
	}
	if !slices.Equal(in, m.shapes[0]) {
		return fmt.Errorf("%w: input shape %v in the file, %v in the model", ErrMismatch, in, m.shapes[0])
	}
	model := describe(m)
	n := int(d.u32())
	if d.err != nil {
		return d.fail()
	}
	for i := range n {
		typ := d.str()
		shape := d.shape()
		arrays := int(d.u32())
		if d.err != nil {
			return d.fail()
		}
		if i >= len(model) {
			return fmt.Errorf("%w: %d layers in the file, %d in the model", ErrMismatch, n, len(model))
		}
		ml := model[i]
		if typ != ml.typ {
			return fmt.Errorf("%w: layer %d is %s in the file, %s in the model", ErrMismatch, i, typ, ml.typ)
		}
		if !slices.Equal(shape, ml.shape) {
			return fmt.Errorf("%w: layer %d (%s) has output shape %v in the file, %v in the model", ErrMismatch, i, typ, shape, ml.shape)
		}
		if arrays != len(ml.arrays) {
			return fmt.Errorf("%w: layer %d (%s) has %d weight arrays in the file, %d in the model", ErrMismatch, i, typ, arrays, len(ml.arrays))
		}
		for _, a := range ml.arrays {
			name := d.str()
			kind := d.bytes(1)
			length := d.u64()
			if d.err != nil {
				return d.fail()
			}
			if name != a.name || (kind[0] == 1) != a.state || kind[0] > 1 {
				return fmt.Errorf("%w: layer %d (%s) has array %q in the file, %q in the model", ErrMismatch, i, typ, name, a.name)
			}
			if length != uint64(len(a.value)) {
				return fmt.Errorf("%w: layer %d (%s) array %s has %d values in the file, %d in the model", ErrMismatch, i, typ, name, length, len(a.value))
			}
		}
	}
	if n != len(model) {
		return fmt.Errorf("%w: %d layers in the file, %d in the model", ErrMismatch, n, len(model))
	}
	values := make([][]float32, 0)
	for _, l := range model {
		for _, a := range l.arrays {
			values = append(values, d.floats(len(a.value)))
		}
	}
	var blob []byte
	var optType string
	hasOpt := d.bytes(1)
	if d.err == nil {
		switch hasOpt[0] {
		case 0:
		case 1:
			optType = d.str()
			blob = d.blob(d.u64())
		default:
			return fmt.Errorf("%w: bad optimizer flag %d", ErrFormat, hasOpt[0])
		}
	}
	sum := d.h.Sum32()
	d.h = nil
	if got := d.u32(); d.err == nil && got != sum {
		return fmt.Errorf("%w: checksum %08x, the data sums to %08x", ErrFormat, got, sum)
	}
	if d.err != nil {
		return d.fail()
	}
	if opt != nil {
		if hasOpt[0] == 0 {
			return fmt.Errorf("%w: the file has no optimizer state", ErrMismatch)
		}
		if t := fmt.Sprintf("%T", opt); t != optType {
			return fmt.Errorf("%w: the file has the state of a %s optimizer, not %s", ErrMismatch, optType, t)
		}
		if err := opt.UnmarshalBinary(blob); err != nil {
			return fmt.Errorf("nn: load: optimizer: %w", err)
		}
	}
	k := 0
	for _, l := range model {
		for _, a := range l.arrays {
			copy(a.value, values[k])
			k++
		}
	}
	return nil
}

// saveFile writes the model and optimizer to path atomically: to a
// temporary file in the same directory, then renamed.
func saveFile(path string, m *Sequential, opt optim.Optimizer) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("nn: save: %w", err)
	}
	defer os.Remove(f.Name()) // fails harmlessly once renamed
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("nn: save: %w", err)
	}
	if err := Save(f, m, opt); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("nn: save: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("nn: save: %w", err)
	}
	return nil
}

// encoder writes the file's fields and sums them; the first error sticks.
type encoder struct {
	w   *bufio.Writer
	h   hash.Hash32 // nil: the checksum itself is being written
	err error
	buf [4096]byte
}

func (e *encoder) bytes(b []byte) {
	if e.err != nil {
		return
	}
	if e.h != nil {
		e.h.Write(b)
	}
	_, e.err = e.w.Write(b)
}

func (e *encoder) u32(v uint32) { e.bytes(binary.LittleEndian.AppendUint32(e.buf[:0], v)) }
func (e *encoder) u64(v uint64) { e.bytes(binary.LittleEndian.AppendUint64(e.buf[:0], v)) }

func (e *encoder) str(s string) {
	if len(s) > math.MaxUint16 {
		s = s[:math.MaxUint16]
	}
	e.bytes(binary.LittleEndian.AppendUint16(e.buf[:0], uint16(len(s))))
	e.bytes([]byte(s))
}

func (e *encoder) shape(s []int) {
	e.u32(uint32(len(s)))
	for _, d := range s {
		e.u32(uint32(d))
	}
}

func (e *encoder) floats(v []float32) {
	for len(v) > 0 {
		k := min(len(v), len(e.buf)/4)
		b := e.buf[:0]
		for _, f := range v[:k] {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
		}
		e.bytes(b)
		v = v[k:]
	}
}

// decoder reads the file's fields and sums them; the first error sticks,
// and the reads after it return zero values.
type decoder struct {
	r   *bufio.Reader
	h   hash.Hash32 // nil: the checksum itself is being read
	err error
}

// fail returns the sticky error as Load reports it.
func (d *decoder) fail() error {
	if errors.Is(d.err, io.EOF) || errors.Is(d.err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: cut short", ErrFormat)
	}
	if errors.Is(d.err, ErrFormat) {
		return d.err
	}
	return fmt.Errorf("nn: load: %w", d.err)
}

func (d *decoder) bytes(n int) []byte {
	b := make([]byte, n)
	if d.err != nil {
		return b
	}
	if _, d.err = io.ReadFull(d.r, b); d.err == nil && d.h != nil {
		d.h.Write(b)
	}
	return b
}

// maxRank bounds the rank of a shape in a file.
const maxRank = 64

func (d *decoder) u32() uint32 { return binary.LittleEndian.Uint32(d.bytes(4)) }
func (d *decoder) u64() uint64 { return binary.LittleEndian.Uint64(d.bytes(8)) }
func (d *decoder) str() string { return string(d.bytes(int(binary.LittleEndian.Uint16(d.bytes(2))))) }

func (d *decoder) shape() []int {
	n := d.u32()
	if d.err == nil && n > maxRank {
		d.err = fmt.Errorf("%w: a shape of rank %d", ErrFormat, n)
	}
	if d.err != nil {
		return nil
	}
	s := make([]int, n)
	for i := range s {
		s[i] = int(d.u32())
	}
	return s
}

func (d *decoder) floats(n int) []float32 {
	v := make([]float32, n)
	var buf [4096]byte
	for i := 0; i < n && d.err == nil; {
		k := min(n-i, len(buf)/4)
		b := buf[:4*k]
		if _, d.err = io.ReadFull(d.r, b); d.err != nil {
			break
		}
		d.h.Write(b)
		for j := range k {
			v[i+j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
		}
		i += k
	}
	return v
}

// blob reads n bytes, growing its buffer as they come rather than
// trusting n up front.
func (d *decoder) blob(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	var b bytes.Buffer
	if n > math.MaxInt64 {
		d.err = fmt.Errorf("%w: an optimizer state of %d bytes", ErrFormat, n)
		return nil
	}
	if _, err := io.CopyN(io.MultiWriter(&b, d.h), d.r, int64(n)); err != nil {
		d.err = err
		return nil
	}
	return b.Bytes()
}
