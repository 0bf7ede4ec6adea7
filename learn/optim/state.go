package optim

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

// base is what every optimizer holds: its kind, resolved configuration,
// learning rate, step count and per-parameter buffers, with the methods
// of Optimizer that do not depend on the update rule.
type base struct {
	kind string
	cfg  any // the resolved config (a struct value), encoded with the state
	lr   float64
	step int64 // Steps taken
	// slots[k][i] is the k-th buffer (momentum, first moment, ...) of the
	// i-th parameter; nil until the first Step, or while a slot is unused.
	slots [][][]float32
	nslot int
}

func (b *base) LR() float64      { return b.lr }
func (b *base) SetLR(lr float64) { b.lr = lr }

// prepare checks params against the buffers, allocating them (filled with
// init) at the first Step, and counts the step.
func (b *base) prepare(params []Param, init float32) {
	for _, p := range params {
		if len(p.Grad) != len(p.Value) {
			panic(fmt.Sprintf("optim: %s: Param %q has %d values and %d gradients", b.kind, p.Name, len(p.Value), len(p.Grad)))
		}
	}
	if b.slots == nil {
		b.slots = make([][][]float32, b.nslot)
		for k := range b.slots {
			b.slots[k] = make([][]float32, len(params))
			for i, p := range params {
				s := make([]float32, len(p.Value))
				if init != 0 {
					for j := range s {
						s[j] = init
					}
				}
				b.slots[k][i] = s
			}
		}
	} else if b.nslot > 0 {
		if len(params) != len(b.slots[0]) {
			panic(fmt.Sprintf("optim: %s.Step with %d params, and %d before", b.kind, len(params), len(b.slots[0])))
		}
		for i, p := range params {
			if n := len(b.slots[0][i]); len(p.Value) != n {
				panic(fmt.Sprintf("optim: %s.Step: Param %q has %d values, and %d before", b.kind, p.Name, len(p.Value), n))
			}
		}
	}
	b.step++
}

// matches returns an error unless the buffers of the state to restore
// have the lengths of b's.
func (b *base) matches(state [][]float32) error {
	s := b.slots[0]
	if len(state) != len(s) {
		return fmt.Errorf("%w: the state is of %d params, and this %s's of %d", ErrMismatch, len(state), b.kind, len(s))
	}
	for i := range s {
		if len(state[i]) != len(s[i]) {
			return fmt.Errorf("%w: the state holds %d values of param %d, and this %s %d", ErrMismatch, len(state[i]), i, b.kind, len(s[i]))
		}
	}
	return nil
}

// The encoding (version 1), little endian:
//
//	magic "tune/optim", version byte
//	kind            uvarint length, bytes
//	config          uvarint length, JSON of the resolved config without LR
//	step            int64
//	lr              float64 bits
//	slots           uvarint count (0 before the first Step), then for each:
//	  params        uvarint count, then for each: uvarint length, float32 bits
const (
	magic   = "tune/optim"
	version = 1
)

// configJSON encodes cfg without its LR field, which schedules change.
func configJSON(cfg any) []byte {
	b, err := json.Marshal(cfg)
	if err != nil {
		panic("optim: " + err.Error()) // validated configs hold finite numbers
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic("optim: " + err.Error())
	}
	delete(m, "LR")
	b, err = json.Marshal(m) // keys sorted
	if err != nil {
		panic("optim: " + err.Error())
	}
	return b
}

func (b *base) MarshalBinary() ([]byte, error) {
	w := newWriter(b.kind, b.cfg)
	w.u64(uint64(b.step))
	w.u64(math.Float64bits(b.lr))
	w.uvarint(uint64(len(b.slots)))
	for _, slot := range b.slots {
		w.uvarint(uint64(len(slot)))
		for _, s := range slot {
			w.f32s(s)
		}
	}
	return w.Bytes(), nil
}

func (b *base) UnmarshalBinary(data []byte) error {
	r, err := newReader(data, b.kind, b.cfg)
	if err != nil {
		return err
	}
	step := int64(r.u64())
	lr := math.Float64frombits(r.u64())
	nslot := r.count()
	if r.err == nil && nslot != 0 && nslot != b.nslot {
		return fmt.Errorf("optim: bad state: %s with %d buffers, not %d", b.kind, nslot, b.nslot)
	}
	var slots [][][]float32
	if nslot > 0 {
		slots = make([][][]float32, nslot)
	}
	for k := range slots {
		slots[k] = make([][]float32, r.count())
		for i := range slots[k] {
			slots[k][i] = r.f32s()
		}
		if r.err == nil && len(slots[k]) != len(slots[0]) {
			r.err = errors.New("buffers of different params")
		}
	}
	if err := r.end(); err != nil {
		return err
	}
	for k := range slots {
		for i := range slots[k] {
			if len(slots[k][i]) != len(slots[0][i]) {
				return fmt.Errorf("optim: bad state: buffers of param %d of different lengths", i)
			}
		}
	}
	if step < 0 || step > 0 && b.nslot > 0 && slots == nil {
		return fmt.Errorf("optim: bad state: %d steps and %d buffers", step, nslot)
	}
	if len(b.slots) > 0 && slots != nil {
		if err := b.matches(slots[0]); err != nil {
			return err
		}
	}
	b.step, b.lr, b.slots = step, lr, slots
	return nil
}

type writer struct{ bytes.Buffer }

func newWriter(kind string, cfg any) *writer {
	w := new(writer)
	w.WriteString(magic)
	w.WriteByte(version)
	w.str([]byte(kind))
	w.str(configJSON(cfg))
	return w
}

func (w *writer) uvarint(v uint64) { w.Write(binary.AppendUvarint(nil, v)) }
func (w *writer) u64(v uint64)     { w.Write(binary.LittleEndian.AppendUint64(nil, v)) }
func (w *writer) str(b []byte)     { w.uvarint(uint64(len(b))); w.Write(b) }

func (w *writer) f32s(s []float32) {
	w.uvarint(uint64(len(s)))
	b := make([]byte, 4*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	w.Write(b)
}

func (w *writer) f64s(s []float64) {
	w.uvarint(uint64(len(s)))
	b := make([]byte, 8*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	w.Write(b)
}

// reader decodes what writer encoded; its first error sticks.
type reader struct {
	b   []byte
	err error
}

// newReader reads the header and checks that it is of kind and cfg.
func newReader(data []byte, kind string, cfg any) (*reader, error) {
	if !bytes.HasPrefix(data, []byte(magic)) {
		return nil, errors.New("optim: not an optimizer state")
	}
	r := &reader{b: data[len(magic):]}
	v := r.byte()
	if r.err == nil && v != version {
		return nil, fmt.Errorf("optim: state of version %d; this is version %d", v, version)
	}
	k := string(r.str())
	c := r.str()
	if r.err != nil {
		return nil, fmt.Errorf("optim: bad state: %w", r.err)
	}
	if k != kind {
		return nil, fmt.Errorf("%w: it is %s's, and this optimizer is %s", ErrMismatch, k, kind)
	}
	if want := configJSON(cfg); !bytes.Equal(c, want) {
		return nil, fmt.Errorf("%w: %s", ErrMismatch, configDiff(kind, c, want))
	}
	return r, nil
}

// configDiff names the first field in which the encoded configs differ.
func configDiff(kind string, got, want []byte) string {
	var g, w map[string]any
	if json.Unmarshal(got, &g) != nil || json.Unmarshal(want, &w) != nil {
		return "the configs differ"
	}
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		gv, wv := g[k], w[k]
		if fmt.Sprint(gv) != fmt.Sprint(wv) {
			return fmt.Sprintf("the state has %s.%s %v, and this optimizer %v", kind, k, gv, wv)
		}
	}
	return "the configs differ"
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = errors.New(what)
	}
}

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) < 1 {
		r.fail("truncated")
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("truncated")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length, which must fit in what is left of the data.
func (r *reader) count() int {
	v := r.uvarint()
	if v > uint64(len(r.b)) {
		r.fail("truncated")
		return 0
	}
	return int(v)
}

func (r *reader) u64() uint64 {
	if r.err != nil || len(r.b) < 8 {
		r.fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) str() []byte {
	n := r.count()
	if r.err != nil {
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *reader) f32s() []float32 {
	n := r.count()
	if r.err != nil || uint64(n)*4 > uint64(len(r.b)) {
		r.fail("truncated")
		return nil
	}
	s := make([]float32, n)
	for i := range s {
		s[i] = math.Float32frombits(binary.LittleEndian.Uint32(r.b[4*i:]))
	}
	r.b = r.b[4*n:]
	return s
}

func (r *reader) f64s() []float64 {
	n := r.count()
	if r.err != nil || uint64(n)*8 > uint64(len(r.b)) {
		r.fail("truncated")
		return nil
	}
	s := make([]float64, n)
	for i := range s {
		s[i] = math.Float64frombits(binary.LittleEndian.Uint64(r.b[8*i:]))
	}
	r.b = r.b[8*n:]
	return s
}

// end returns the first error, or one if data is left over.
func (r *reader) end() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%d bytes left over", len(r.b))
	}
	if r.err != nil {
		return fmt.Errorf("optim: bad state: %w", r.err)
	}
	return nil
}
