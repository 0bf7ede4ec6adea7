package optim

import (
	"slices"
	"testing"
)

// FuzzUnmarshalBinary feeds optimizers' and an Accumulator's states,
// mutated, to UnmarshalBinary: it must return an error or restore a
// state that encodes to what it decoded.
func FuzzUnmarshalBinary(f *testing.F) {
	news := []func() Optimizer{
		func() Optimizer { return must(GD{}.New()) },
		func() Optimizer { return must(SGD{Momentum: 0.9}.New()) },
		func() Optimizer { return must(Adam{AMSGrad: true}.New()) },
		func() Optimizer { return must(RMSProp{Centered: true, Momentum: 0.5}.New()) },
		func() Optimizer { return must(Adagrad{}.New()) },
		func() Optimizer { return must(Accumulate{Steps: 3}.Wrap(must(AdamW{}.New()))) },
	}
	for i, n := range news {
		o := n()
		f.Add(i, must(o.MarshalBinary()))
		x := []float32{1, 2, 3}
		for range 2 {
			o.Step([]Param{{Value: x, Grad: x}, {Value: x[:1], Grad: x[:1]}})
		}
		f.Add(i, must(o.MarshalBinary()))
	}
	f.Fuzz(func(t *testing.T, i int, data []byte) {
		if i < 0 {
			i = -i
		}
		o := news[i%len(news)]()
		if err := o.UnmarshalBinary(data); err != nil {
			return
		}
		again := must(o.MarshalBinary())
		o2 := news[i%len(news)]()
		if err := o2.UnmarshalBinary(again); err != nil {
			t.Fatalf("a restored state does not restore: %v", err)
		}
		if !slices.Equal(again, must(o2.MarshalBinary())) {
			t.Fatal("the encoding of a restored state changed")
		}
	})
}
