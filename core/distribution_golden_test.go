package core_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/go-tune/tune/core"
)

// The golden data in testdata/distributions.json is what Optuna 3.1 does; see
// testdata/gen_distributions.py for how to regenerate it.

type golden struct {
	OptunaVersion string         `json:"optuna_version"`
	Distributions []goldenDist   `json:"distributions"`
	Parse         []goldenParse  `json:"parse"`
	Compatibility []goldenCompat `json:"compatibility"`
	Floats        []goldenFloat  `json:"floats"`
}

type goldenDist struct {
	Name       string          `json:"name"`
	Kind       string          `json:"kind"`
	Args       json.RawMessage `json:"args"`
	JSON       string          `json:"json"`
	Single     bool            `json:"single"`
	ToInternal []struct {
		External typedValue `json:"external"`
		OK       bool       `json:"ok"`
		Internal string     `json:"internal"`
		Error    string     `json:"error"`
	} `json:"to_internal"`
	Internals []struct {
		Internal string      `json:"internal"`
		Contains *bool       `json:"contains"` // nil: Optuna raised
		External *typedValue `json:"external"` // set when Contains
	} `json:"internals"`
}

type goldenParse struct {
	Name  string `json:"name"`
	Input string `json:"input"`
	OK    bool   `json:"ok"`
	JSON  string `json:"json"`
	Error string `json:"error"`
}

type goldenCompat struct {
	Name string `json:"name"`
	Old  string `json:"old"`
	New  string `json:"new"`
	OK   bool   `json:"ok"`
}

type goldenFloat struct {
	Hex  string `json:"hex"`
	Repr string `json:"repr"`
}

// typedValue is a Python value: exactly one field is set. Floats are
// Python reprs, so that NaN and infinities survive JSON.
type typedValue struct {
	Int   *int         `json:"int"`
	Float *string      `json:"float"`
	Str   *string      `json:"str"`
	Bool  *bool        `json:"bool"`
	None  bool         `json:"none"`
	List  []typedValue `json:"list"`
}

// value returns the Go value that tune uses for the Python value.
func (v typedValue) value(t *testing.T) any {
	t.Helper()
	switch {
	case v.Int != nil:
		return *v.Int
	case v.Float != nil:
		return parseFloat(t, *v.Float)
	case v.Str != nil:
		return *v.Str
	case v.Bool != nil:
		return *v.Bool
	case v.None:
		return nil
	case v.List != nil:
		l := make([]any, len(v.List))
		for i, e := range v.List {
			l[i] = e.value(t)
		}
		return l
	}
	t.Fatalf("empty typed value")
	return nil
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("golden float %q: %v", s, err)
	}
	return f
}

func loadGolden(t *testing.T) *golden {
	t.Helper()
	b, err := os.ReadFile("testdata/distributions.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Distributions) == 0 || len(g.Floats) == 0 {
		t.Fatal("golden data is empty")
	}
	return &g
}

// build returns the tune distribution that the golden case describes.
func (c goldenDist) build(t *testing.T) core.Distribution {
	t.Helper()
	switch c.Kind {
	case "float":
		var a struct {
			Low, High string
			Step      *string
			Log       bool
		}
		if err := json.Unmarshal(c.Args, &a); err != nil {
			t.Fatal(err)
		}
		d := core.Float{Low: parseFloat(t, a.Low), High: parseFloat(t, a.High), Log: a.Log}
		if a.Step != nil {
			d.Step = parseFloat(t, *a.Step)
		}
		return d
	case "int":
		var a struct {
			Low, High, Step int
			Log             bool
		}
		if err := json.Unmarshal(c.Args, &a); err != nil {
			t.Fatal(err)
		}
		return core.Int{Low: a.Low, High: a.High, Step: a.Step, Log: a.Log}
	case "categorical":
		var a struct{ Choices []typedValue }
		if err := json.Unmarshal(c.Args, &a); err != nil {
			t.Fatal(err)
		}
		choices := make([]any, len(a.Choices))
		for i, ch := range a.Choices {
			choices[i] = ch.value(t)
		}
		d, err := core.NewCategorical(choices...)
		if err != nil {
			t.Fatalf("NewCategorical(%v): %v", choices, err)
		}
		return d
	}
	t.Fatalf("unknown kind %q", c.Kind)
	return nil
}

// sameValue reports whether got is want with the same Go type; floats
// compare bit for bit, except that NaN equals NaN.
func sameValue(got, want any) bool {
	g, gok := got.(float64)
	w, wok := want.(float64)
	if gok && wok {
		return math.Float64bits(g) == math.Float64bits(w) || math.IsNaN(g) && math.IsNaN(w)
	}
	return got == want
}

func TestDistributionGolden(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Distributions {
		t.Run(c.Name, func(t *testing.T) {
			d := c.build(t)
			if err := d.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if got := core.DistributionJSON(d); got != c.JSON {
				t.Errorf("DistributionJSON(%v)\n got %s\nwant %s", d, got, c.JSON)
			}
			parsed, err := core.ParseDistribution([]byte(c.JSON))
			if err != nil {
				t.Fatalf("ParseDistribution(%s): %v", c.JSON, err)
			}
			if !core.Equal(parsed, d) {
				t.Errorf("ParseDistribution(%s) = %v, want %v", c.JSON, parsed, d)
			}
			if got := d.Single(); got != c.Single {
				t.Errorf("Single() = %t, want %t", got, c.Single)
			}
			for _, tc := range c.ToInternal {
				ext := tc.External.value(t)
				got, err := d.ToInternal(ext)
				if reason := toInternalDifference(d, ext, tc.OK, tc.Internal); reason != "" {
					checkToInternalDifference(t, d, ext, got, err, tc.OK, reason)
					continue
				}
				switch {
				case tc.OK && err != nil:
					t.Errorf("ToInternal(%#v): %v, want %s", ext, err, tc.Internal)
				case !tc.OK && err == nil:
					t.Errorf("ToInternal(%#v) = %v, want an error (Optuna: %s)", ext, got, tc.Error)
				case tc.OK && !sameValue(got, parseFloat(t, tc.Internal)):
					t.Errorf("ToInternal(%#v) = %v, want %s", ext, got, tc.Internal)
				}
			}
			for _, tc := range c.Internals {
				x := parseFloat(t, tc.Internal)
				got := d.Contains(x)
				if tc.Contains == nil || *tc.Contains != got && containsDifference(d, x) {
					// Optuna raised, or truncated a non-integral index:
					// tune says the value is not legal.
					if got {
						t.Errorf("Contains(%v) = true, want false", x)
					}
					continue
				}
				if got != *tc.Contains {
					t.Errorf("Contains(%v) = %t, want %t", x, got, *tc.Contains)
				}
				if got && tc.External != nil {
					if ext, want := d.ToExternal(x), tc.External.value(t); !sameValue(ext, want) {
						t.Errorf("ToExternal(%v) = %#v, want %#v", x, ext, want)
					}
				}
			}
		})
	}
}

// toInternalDifference explains why tune's ToInternal deliberately differs
// from Optuna's to_internal_repr for ext, or returns "" where they agree.
func toInternalDifference(d core.Distribution, ext any, optunaOK bool, optunaInternal string) string {
	switch d := d.(type) {
	case core.Float, core.Int:
		_, isInt := d.(core.Int)
		log := isInt && d.(core.Int).Log || !isInt && d.(core.Float).Log
		switch x := ext.(type) {
		case string, bool:
			if optunaOK {
				return "Optuna casts with float(); tune takes only Go numbers"
			}
		case int, float64:
			f := toFloat64(x)
			if !optunaOK && (math.IsNaN(f) || log && f <= 0) {
				return "Optuna checks NaN and log > 0 here; tune leaves range checks to Contains"
			}
			if isInt && optunaOK && f != math.Trunc(f) {
				return "Optuna's IntDistribution takes any float; tune's Int only integral values"
			}
		}
	case core.Categorical:
		// Python's True == 1 and False == 0.0: Optuna matches a bool to a
		// number choice and a number to a bool choice; tune matches a bool
		// only to a bool.
		if !optunaOK {
			return ""
		}
		i, err := strconv.ParseFloat(optunaInternal, 64)
		if err != nil {
			return ""
		}
		_, extBool := ext.(bool)
		_, choiceBool := d.Choice(int(i)).(bool)
		if extBool != choiceBool {
			return "Python's True == 1: tune matches bools only to bools"
		}
	}
	return ""
}

func checkToInternalDifference(t *testing.T, d core.Distribution, ext any, got float64, err error, optunaOK bool, reason string) {
	t.Helper()
	switch {
	case optunaOK && err == nil:
		// Only a categorical: tune picked another choice than Optuna.
		if _, ok := d.(core.Categorical); !ok {
			t.Errorf("ToInternal(%#v) = %v, listed as a difference (%s)", ext, got, reason)
			break
		}
		if c := d.ToExternal(got); !tuneChoiceMatch(ext, c) {
			t.Errorf("ToInternal(%#v) = %v, the index of %#v (%s)", ext, got, c, reason)
		}
	case !optunaOK && err == nil:
		if d.Contains(got) {
			t.Errorf("ToInternal(%#v) = %v, which Contains (%s)", ext, got, reason)
		}
	}
}

// tuneChoiceMatch reports whether choice is what tune should find for ext:
// the same bool, or an equal number that is not a bool.
func tuneChoiceMatch(ext, choice any) bool {
	if _, ok := ext.(bool); ok {
		return ext == choice
	}
	if _, ok := choice.(bool); ok {
		return false
	}
	return toFloat64(ext) == toFloat64(choice)
}

func toFloat64(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return math.NaN()
}

// containsDifference reports whether Optuna's _contains truncates x where
// tune requires an integral categorical index.
func containsDifference(d core.Distribution, x float64) bool {
	_, ok := d.(core.Categorical)
	return ok && x != math.Trunc(x)
}

// parseDifferences are the golden parse cases where tune deliberately
// disagrees with Optuna 3.1.
var parseDifferences = map[string]string{
	"discrete_uniform_not_dividing": "tune rejects a step that does not divide the range; Optuna lowers high",
	"float_not_dividing":            "tune rejects a step that does not divide the range; Optuna lowers high",
	"int_uniform_not_dividing":      "tune rejects a step that does not divide the range; Optuna lowers high",
	"int_not_dividing":              "tune rejects a step that does not divide the range; Optuna lowers high",
	"int_log_uniform_step_2":        "tune reads Optuna 2's deprecated IntLogUniformDistribution step as 1, as Optuna 2's samplers did; Optuna 3.1 fails",
}

func TestParseDistributionGolden(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Parse {
		t.Run(c.Name, func(t *testing.T) {
			d, err := core.ParseDistribution([]byte(c.Input))
			if err != nil && !errors.Is(err, core.ErrInvalidDistribution) {
				t.Errorf("ParseDistribution(%s): %v does not wrap ErrInvalidDistribution", c.Input, err)
			}
			if reason, ok := parseDifferences[c.Name]; ok {
				if (err == nil) == c.OK {
					t.Errorf("ParseDistribution(%s) agrees with Optuna (ok=%t), but is listed as a difference: %s", c.Input, c.OK, reason)
				}
				return
			}
			switch {
			case c.OK && err != nil:
				t.Errorf("ParseDistribution(%s): %v, want %s", c.Input, err, c.JSON)
			case !c.OK && err == nil:
				t.Errorf("ParseDistribution(%s) = %v, want an error (Optuna: %s)", c.Input, d, c.Error)
			case c.OK:
				if got := core.DistributionJSON(d); got != c.JSON {
					t.Errorf("ParseDistribution(%s) = %s, want %s", c.Input, got, c.JSON)
				}
			}
		})
	}
	t.Run("int_log_uniform_step_2_value", func(t *testing.T) {
		d, err := core.ParseDistribution([]byte(`{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 100, "step": 2}}`))
		if err != nil {
			t.Fatal(err)
		}
		if want := (core.Int{Low: 1, High: 100, Log: true}); !core.Equal(d, want) {
			t.Errorf("got %v, want %v", d, want)
		}
	})
}

// compatDifferences are the golden compatibility cases where tune
// deliberately disagrees with Optuna.
var compatDifferences = map[string]string{
	"categorical_int_vs_float": "Python's 1 == 1.0: tune compares choices by type and value",
	"categorical_bool_vs_int":  "Python's True == 1: tune compares choices by type and value",
}

func TestCheckCompatibleGolden(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Compatibility {
		t.Run(c.Name, func(t *testing.T) {
			old, err := core.ParseDistribution([]byte(c.Old))
			if err != nil {
				t.Fatal(err)
			}
			next, err := core.ParseDistribution([]byte(c.New))
			if err != nil {
				t.Fatal(err)
			}
			err = core.CheckCompatible(old, next)
			if err != nil && !errors.Is(err, core.ErrIncompatible) {
				t.Errorf("CheckCompatible(%v, %v): %v does not wrap ErrIncompatible", old, next, err)
			}
			want := c.OK
			if _, ok := compatDifferences[c.Name]; ok {
				want = !want
			}
			if (err == nil) != want {
				t.Errorf("CheckCompatible(%v, %v) = %v, want ok=%t (Optuna: ok=%t)", old, next, err, want, c.OK)
			}
		})
	}
}

func TestPythonFloatGolden(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Floats {
		f := parseFloat(t, c.Hex)
		if got := core.PythonFloat(f); got != c.Repr {
			t.Errorf("PythonFloat(%s) = %s, want %s", c.Hex, got, c.Repr)
		}
	}
}
