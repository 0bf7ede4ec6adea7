package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
)

// ExportFormat names the format of Export's JSON.
const ExportFormat = "tune-study/1"

// Dump is a study as Export writes it: portable JSON that Import reads
// into any storage.
type Dump struct {
	Format      string         `json:"format"`
	Name        string         `json:"name"`
	Directions  []string       `json:"directions"`
	UserAttrs   map[string]any `json:"user_attrs"`
	SystemAttrs map[string]any `json:"system_attrs"`
	Trials      []DumpTrial    `json:"trials"`
}

// DumpTrial is one trial of a Dump. Floats that JSON cannot hold (NaN,
// infinities) are written as the strings "NaN", "Infinity", "-Infinity".
type DumpTrial struct {
	Number       int            `json:"number"`
	State        string         `json:"state"`
	Values       []Float        `json:"values"`
	Params       []DumpParam    `json:"params"`
	Intermediate [][2]Float     `json:"intermediate"`
	UserAttrs    map[string]any `json:"user_attrs"`
	SystemAttrs  map[string]any `json:"system_attrs"`
}

// DumpParam is a parameter: its internal value and its distribution in
// Optuna's JSON.
type DumpParam struct {
	Name         string `json:"name"`
	Internal     Float  `json:"internal"`
	Distribution string `json:"distribution"`
	Value        any    `json:"value,omitempty"` // for people: the external value
}

// Float is a float64 that survives JSON when it is NaN or infinite.
type Float float64

// MarshalJSON writes non-finite values as strings.
func (f Float) MarshalJSON() ([]byte, error) {
	switch x := float64(f); {
	case math.IsNaN(x):
		return []byte(`"NaN"`), nil
	case math.IsInf(x, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-Infinity"`), nil
	}
	return []byte(strconv.FormatFloat(float64(f), 'g', -1, 64)), nil
}

// UnmarshalJSON reads a number or one of the strings MarshalJSON writes.
func (f *Float) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "NaN":
			*f = Float(math.NaN())
		case "Infinity":
			*f = Float(math.Inf(1))
		case "-Infinity":
			*f = Float(math.Inf(-1))
		default:
			return fmt.Errorf("%q is not a number", s)
		}
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = Float(x)
	return nil
}

// Export writes study name of st to w as a Dump.
func Export(ctx context.Context, st storage.Storage, name string, w io.Writer) error {
	info, err := st.LoadStudy(ctx, name)
	if err != nil {
		return err
	}
	trials, err := st.Trials(ctx, info.ID, storage.TrialQuery{})
	if err != nil {
		return err
	}
	d := Dump{Format: ExportFormat, Name: info.Name, UserAttrs: info.UserAttrs, SystemAttrs: info.SystemAttrs}
	for _, dir := range info.Directions {
		d.Directions = append(d.Directions, dir.String())
	}
	for _, t := range trials {
		dt := DumpTrial{Number: t.Number, State: t.State.String(), UserAttrs: t.UserAttrs, SystemAttrs: t.SystemAttrs}
		for _, v := range t.Values {
			dt.Values = append(dt.Values, Float(v))
		}
		for _, p := range t.Params {
			dt.Params = append(dt.Params, DumpParam{Name: p.Name, Internal: Float(p.Internal), Distribution: core.DistributionJSON(p.Dist), Value: p.Value()})
		}
		for _, s := range t.Intermediate {
			dt.Intermediate = append(dt.Intermediate, [2]Float{Float(s.Step), Float(s.Value)})
		}
		d.Trials = append(d.Trials, dt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(d)
}

// Import reads a Dump from r into st as study name ("" keeps the dump's
// name). The study must not exist. Trials keep their order, states,
// values, parameters, intermediate values and attributes; a trial that
// was Running is imported as Fail, since nothing runs it any more.
// Timestamps are not kept.
func Import(ctx context.Context, st storage.Storage, r io.Reader, name string) (int, error) {
	var d Dump
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return 0, fmt.Errorf("runner: import: %w", err)
	}
	if d.Format != ExportFormat {
		return 0, fmt.Errorf("runner: import: format %q, want %q", d.Format, ExportFormat)
	}
	if name == "" {
		name = d.Name
	}
	var dirs []core.Direction
	for _, s := range d.Directions {
		dir, err := core.ParseDirection(s)
		if err != nil {
			return 0, fmt.Errorf("runner: import: %w", err)
		}
		dirs = append(dirs, dir)
	}
	if len(dirs) == 0 {
		return 0, errors.New("runner: import: the study has no directions")
	}
	// Check every trial before storing anything.
	type prepared struct {
		state  core.State
		values []float64
		params []core.Param
		steps  []core.Step
	}
	var ps []prepared
	for i, t := range d.Trials {
		state, err := core.ParseState(t.State)
		if err != nil {
			return 0, fmt.Errorf("runner: import: trial %d: %w", i, err)
		}
		if state == core.Running {
			state = core.Fail
		}
		p := prepared{state: state}
		for _, v := range t.Values {
			p.values = append(p.values, float64(v))
		}
		for _, dp := range t.Params {
			dist, err := core.ParseDistribution([]byte(dp.Distribution))
			if err != nil {
				return 0, fmt.Errorf("runner: import: trial %d, parameter %q: %w", i, dp.Name, err)
			}
			p.params = append(p.params, core.Param{Name: dp.Name, Internal: float64(dp.Internal), Dist: dist})
		}
		for _, s := range t.Intermediate {
			p.steps = append(p.steps, core.Step{Step: int(s[0]), Value: float64(s[1])})
		}
		ps = append(ps, p)
	}
	info, err := st.CreateStudy(ctx, name, dirs, d.SystemAttrs)
	if err != nil {
		return 0, err
	}
	for k, v := range d.UserAttrs {
		if err := st.SetStudyUserAttr(ctx, info.ID, k, v); err != nil {
			return 0, err
		}
	}
	for i, p := range ps {
		t := d.Trials[i]
		spec := storage.TrialSpec{UserAttrs: t.UserAttrs, SystemAttrs: t.SystemAttrs, Intermediate: p.steps}
		if p.state == core.Waiting {
			spec.State = core.Waiting
		}
		rec, err := st.CreateTrial(ctx, info.ID, spec)
		if err != nil {
			return i, err
		}
		for _, prm := range p.params {
			if err := st.SetParam(ctx, rec.ID, prm); err != nil {
				return i, err
			}
		}
		if p.state != core.Waiting {
			if err := st.FinishTrial(ctx, rec.ID, p.state, p.values); err != nil {
				return i, err
			}
		}
	}
	return len(ps), nil
}
