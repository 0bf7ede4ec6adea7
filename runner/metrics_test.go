package runner

import (
	"math"
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	for _, c := range []struct {
		line   string
		ok     bool
		step   int
		values map[string]float64
		final  bool
		err    string
	}{
		{line: `{"step": 3, "val_loss": 0.21}`, ok: true, step: 3, values: map[string]float64{"val_loss": 0.21}},
		{line: `  {"epoch": 0, "acc": 0.9, "loss": "NaN"}  `, ok: true, step: 0, values: map[string]float64{"acc": 0.9, "loss": math.NaN()}},
		{line: `{"final": true, "val_loss": 0.19}`, ok: true, step: -1, values: map[string]float64{"val_loss": 0.19}, final: true},
		{line: `{"step": 2, "val_loss": 0.3, "note": "warm"}`, ok: true, step: 2, values: map[string]float64{"val_loss": 0.3}},
		{line: `epoch=3 val_loss=0.21`, ok: true, step: 3, values: map[string]float64{"val_loss": 0.21}},
		{line: `accuracy=0.93, loss=1e-2`, ok: true, step: -1, values: map[string]float64{"accuracy": 0.93, "loss": 0.01}},
		{line: `final=true val_loss=0.18`, ok: true, step: -1, values: map[string]float64{"val_loss": 0.18}, final: true},
		{line: `Epoch 3/10: loss went down`},
		{line: `x = 3 is the answer`},
		{line: `{"msg": "starting"}`},
		{line: `{not json}`},
		{line: ``},
		{line: `path=/tmp/x`},
		{line: `{"step": 1.5, "loss": 1}`, ok: true, err: `the step must be a whole number >= 0, got 1.5`},
		{line: `{"step": 1, "loss": 1, "final": "yes"}`, ok: true, err: `"final" in {"step": 1, "loss": 1, "final": "yes"} must be true or false`},
		{line: `step=-2 loss=1`, ok: true, err: `step=-2: the step must be a whole number >= 0`},
		{line: `final=maybe loss=1`, ok: true, err: `final=maybe: want true or false`},
	} {
		rec, ok, err := ParseLine(c.line)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.line, err, c.err)
			}
			continue
		}
		if err != nil || ok != c.ok {
			t.Errorf("%q: ok %v, err %v; want ok %v", c.line, ok, err, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if rec.Step != c.step || rec.Final != c.final || len(rec.Values) != len(c.values) {
			t.Errorf("%q: %+v, want step %d final %v values %v", c.line, rec, c.step, c.final, c.values)
		}
		for k, v := range c.values {
			got, found := rec.Values[k]
			if !found || !(got == v || math.IsNaN(got) && math.IsNaN(v)) {
				t.Errorf("%q: %s = %v, want %v", c.line, k, got, v)
			}
		}
	}
}

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{`{"step": 3, "val_loss": 0.21}`, `epoch=3 val_loss=0.21`, `{"final": true, "x": "NaN"}`,
		`a=1,b=2`, `{}`, `=`, `step=1`, `{"step": -1, "x": 1}`, "loss=inf\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		rec, ok, err := ParseLine(line)
		if err != nil && !ok {
			t.Fatalf("%q: an error on a line that is not a metric line: %v", line, err)
		}
		if ok && err == nil {
			if len(rec.Values) == 0 {
				t.Fatalf("%q: a metric line without metrics", line)
			}
			if rec.Step < -1 {
				t.Fatalf("%q: step %d", line, rec.Step)
			}
		}
	})
}
