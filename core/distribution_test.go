package core_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/go-tune/tune/core"
)

func TestInvalidDistribution(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		d    core.Distribution
	}{
		{"float low > high", core.Float{Low: 1, High: 0}},
		{"float NaN low", core.Float{Low: nan, High: 1}},
		{"float NaN high", core.Float{Low: 0, High: nan}},
		{"float +Inf high", core.Float{Low: 0, High: inf}},
		{"float -Inf low", core.Float{Low: -inf, High: 0}},
		{"float log low 0", core.Float{Low: 0, High: 1, Log: true}},
		{"float log low < 0", core.Float{Low: -1, High: 1, Log: true}},
		{"float log and step", core.Float{Low: 1, High: 2, Step: 0.5, Log: true}},
		{"float step not dividing", core.Float{Low: 0, High: 1, Step: 0.3}},
		{"float step 0.25 not dividing", core.Float{Low: 0, High: 1.1, Step: 0.25}},
		{"float step larger than range", core.Float{Low: 0, High: 1, Step: 2}},
		{"float negative step", core.Float{Low: 0, High: 1, Step: -0.5}},
		{"float NaN step", core.Float{Low: 0, High: 1, Step: nan}},
		{"float Inf step", core.Float{Low: 0, High: 1, Step: inf}},
		{"int low > high", core.Int{Low: 1, High: 0}},
		{"int log low 0", core.Int{Low: 0, High: 10, Log: true}},
		{"int log low < 0", core.Int{Low: -3, High: 10, Log: true}},
		{"int log and step", core.Int{Low: 1, High: 9, Step: 2, Log: true}},
		{"int step not dividing", core.Int{Low: 0, High: 10, Step: 3}},
		{"int step larger than range", core.Int{Low: 0, High: 1, Step: 2}},
		{"int negative step", core.Int{Low: 0, High: 10, Step: -1}},
		{"int beyond 2^53", core.Int{Low: 0, High: 1<<53 + 1}},
		{"int far below -2^53", core.Int{Low: math.MinInt64, High: 0}},
		{"categorical zero value", core.Categorical{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Validate()
			if !errors.Is(err, core.ErrInvalidDistribution) {
				t.Errorf("%v.Validate() = %v, want ErrInvalidDistribution", tt.d, err)
			}
		})
	}
}

func TestNewCategoricalInvalid(t *testing.T) {
	tests := []struct {
		name    string
		choices []any
	}{
		{"no choices", nil},
		{"empty slice", []any{}},
		{"duplicate string", []any{"a", "b", "a"}},
		{"duplicate int", []any{1, 2, 1}},
		{"duplicate int kinds", []any{int8(1), int64(1)}},
		{"duplicate float", []any{0.5, 0.5}},
		{"duplicate float32", []any{float32(0.5), 0.5}},
		{"duplicate zero", []any{0.0, math.Copysign(0, -1)}},
		{"duplicate nil", []any{nil, nil}},
		{"duplicate bool", []any{true, false, true}},
		{"NaN", []any{1.0, math.NaN()}},
		{"Inf", []any{math.Inf(-1)}},
		{"struct", []any{struct{ X int }{1}}},
		{"slice", []any{[]int{1, 2}}},
		{"map", []any{map[string]any{"a": 1}}},
		{"pointer", []any{new(int)}},
		{"uint64 too big", []any{uint64(math.MaxUint64)}},
		{"bad json.Number", []any{json.Number("x")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := core.NewCategorical(tt.choices...)
			if !errors.Is(err, core.ErrInvalidDistribution) {
				t.Errorf("NewCategorical(%#v) = %v, %v; want ErrInvalidDistribution", tt.choices, d, err)
			}
		})
	}
}

func TestNewCategoricalNormalizes(t *testing.T) {
	d, err := core.NewCategorical(int8(1), uint16(2), int64(3), float32(0.5), json.Number("4"), json.Number("4.5"), "s", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{1, 2, 3, 0.5, 4, 4.5, "s", true, nil}
	got := d.Choices()
	if len(got) != len(want) || d.Len() != len(want) {
		t.Fatalf("Choices() = %#v, want %#v", got, want)
	}
	for i := range want {
		if got[i] != want[i] || d.Choice(i) != want[i] {
			t.Errorf("choice %d = %#v (%T), want %#v (%T)", i, got[i], got[i], want[i], want[i])
		}
	}
	// Choices returns a copy.
	got[0] = "changed"
	if d.Choice(0) != 1 {
		t.Errorf("changing Choices() changed the distribution: %v", d)
	}
	// 1 and 1.0 and true are different choices, as they are different
	// JSON values.
	if _, err := core.NewCategorical(1, 1.0, true); err != nil {
		t.Errorf("NewCategorical(1, 1.0, true): %v", err)
	}
}

func TestValidDistribution(t *testing.T) {
	for _, d := range []core.Distribution{
		core.Float{Low: 0, High: 1},
		core.Float{Low: -1, High: -1},
		core.Float{Low: 0, High: 1, Step: 0.1},
		core.Float{Low: 0.1, High: 0.3, Step: 0.1}, // 0.3-0.1 is not 0.2 in binary
		core.Float{Low: 1e-5, High: 1, Log: true},
		core.Int{Low: 0, High: 10},
		core.Int{Low: 0, High: 10, Step: 1},
		core.Int{Low: -9, High: 9, Step: 3},
		core.Int{Low: 1, High: 1 << 40, Log: true},
		core.Int{Low: 1, High: 10, Step: 1, Log: true},
	} {
		if err := d.Validate(); err != nil {
			t.Errorf("%v.Validate() = %v", d, err)
		}
	}
}

func TestDistributionString(t *testing.T) {
	cat, err := core.NewCategorical("a", 1, 2.5, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		d    core.Distribution
		want string
	}{
		{core.Float{Low: 0, High: 1}, "Float[0, 1]"},
		{core.Float{Low: 1e-05, High: 1, Log: true}, "Float[1e-05, 1 log]"},
		{core.Float{Low: 0, High: 1, Step: 0.25}, "Float[0, 1 step 0.25]"},
		{core.Int{Low: 0, High: 10}, "Int[0, 10]"},
		{core.Int{Low: 0, High: 10, Step: 1}, "Int[0, 10]"},
		{core.Int{Low: 0, High: 10, Step: 2}, "Int[0, 10 step 2]"},
		{core.Int{Low: 1, High: 8, Log: true}, "Int[1, 8 log]"},
		{cat, `Categorical["a", 1, 2.5, nil, true]`},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestEqual(t *testing.T) {
	ab, _ := core.NewCategorical("a", "b")
	ab2, _ := core.NewCategorical("a", "b")
	ba, _ := core.NewCategorical("b", "a")
	abc, _ := core.NewCategorical("a", "b", "c")
	ints, _ := core.NewCategorical(1, 2)
	floats, _ := core.NewCategorical(1.0, 2.0)
	tests := []struct {
		a, b core.Distribution
		want bool
	}{
		{core.Float{Low: 0, High: 1}, core.Float{Low: 0, High: 1}, true},
		{core.Float{Low: 0, High: 1}, core.Float{Low: 0, High: 2}, false},
		{core.Float{Low: 0, High: 1}, core.Float{Low: 0, High: 1, Step: 0.5}, false},
		{core.Float{Low: 0.1, High: 1}, core.Float{Low: 0.1, High: 1, Log: true}, false},
		{core.Int{Low: 0, High: 4}, core.Int{Low: 0, High: 4, Step: 1}, true},
		{core.Int{Low: 0, High: 4}, core.Int{Low: 0, High: 4, Step: 2}, false},
		{core.Int{Low: 1, High: 4}, core.Int{Low: 1, High: 4, Log: true}, false},
		{core.Int{Low: 0, High: 1}, core.Float{Low: 0, High: 1}, false},
		{core.Float{Low: 0, High: 1}, core.Int{Low: 0, High: 1}, false},
		{ab, ab2, true},
		{ab, ba, false},
		{ab, abc, false},
		{ints, floats, false},
		{ab, core.Int{}, false},
		{nil, nil, true},
		{nil, ab, false},
		{ab, nil, false},
	}
	for _, tt := range tests {
		if got := core.Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%v, %v) = %t, want %t", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestToInternalWrongType(t *testing.T) {
	cat, _ := core.NewCategorical("a", 1)
	tests := []struct {
		d   core.Distribution
		ext any
	}{
		{core.Float{Low: 0, High: 1}, "0.5"},
		{core.Float{Low: 0, High: 1}, true},
		{core.Float{Low: 0, High: 1}, nil},
		{core.Int{Low: 0, High: 10}, 2.5},
		{core.Int{Low: 0, High: 10}, "2"},
		{cat, "b"},
		{cat, 2},
		{cat, []int{1}},
		{cat, true},
	}
	for _, tt := range tests {
		if x, err := tt.d.ToInternal(tt.ext); err == nil {
			t.Errorf("%v.ToInternal(%#v) = %v, want an error", tt.d, tt.ext, x)
		}
	}
}

func TestToInternalNumberKinds(t *testing.T) {
	f := core.Float{Low: 0, High: 100}
	i := core.Int{Low: 0, High: 100}
	for _, v := range []any{int8(7), int16(7), int32(7), int64(7), uint(7), uint8(7), uint16(7), uint32(7), uint64(7), float32(7), 7.0, 7, json.Number("7")} {
		for _, d := range []core.Distribution{f, i} {
			if x, err := d.ToInternal(v); err != nil || x != 7 {
				t.Errorf("%v.ToInternal(%T(7)) = %v, %v; want 7", d, v, x, err)
			}
		}
	}
	if x := i.ToExternal(7); x != 7 {
		t.Errorf("Int ToExternal(7) = %#v, want int 7", x)
	}
	// A categorical choice read back from JSON as a float64 is found among
	// int choices, and an int among float choices.
	cat, _ := core.NewCategorical("a", 2, 3.0)
	for v, want := range map[any]float64{2.0: 1, 3: 2, int64(3): 2, json.Number("2"): 1, float32(3): 2, "a": 0} {
		if x, err := cat.ToInternal(v); err != nil || x != want {
			t.Errorf("%v.ToInternal(%#v) = %v, %v; want %v", cat, v, x, err, want)
		}
	}
}

func TestPythonFloat(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{-2, "-2.0"},
		{0.1, "0.1"},
		{1e-4, "0.0001"},
		{1e-5, "1e-05"},
		{1.5e-5, "1.5e-05"},
		{1e15, "1000000000000000.0"},
		{1e16, "1e+16"},
		{9999999999999998, "9999999999999998.0"},
		{123456789, "123456789.0"},
		{1e300, "1e+300"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
	}
	for _, tt := range tests {
		if got := core.PythonFloat(tt.f); got != tt.want {
			t.Errorf("PythonFloat(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestCheckCompatible(t *testing.T) {
	ab, _ := core.NewCategorical("a", "b")
	ba, _ := core.NewCategorical("b", "a")
	tests := []struct {
		name      string
		old, next core.Distribution
		ok        bool
	}{
		{"float bounds", core.Float{Low: 0, High: 1}, core.Float{Low: -1, High: 5, Step: 0.5}, true},
		{"float log", core.Float{Low: 1, High: 2}, core.Float{Low: 1, High: 2, Log: true}, false},
		{"int step", core.Int{Low: 0, High: 4}, core.Int{Low: 0, High: 4, Step: 2}, true},
		{"int log", core.Int{Low: 1, High: 4, Log: true}, core.Int{Low: 1, High: 4}, false},
		{"float to int", core.Float{Low: 0, High: 1}, core.Int{Low: 0, High: 1}, false},
		{"int to categorical", core.Int{Low: 0, High: 1}, ab, false},
		{"categorical to float", ab, core.Float{Low: 0, High: 1}, false},
		{"categorical same", ab, ab, true},
		{"categorical reordered", ab, ba, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := core.CheckCompatible(tt.old, tt.next)
			if tt.ok && err != nil {
				t.Errorf("CheckCompatible: %v", err)
			}
			if !tt.ok && !errors.Is(err, core.ErrIncompatible) {
				t.Errorf("CheckCompatible = %v, want ErrIncompatible", err)
			}
		})
	}
}

func TestParseDistributionErrors(t *testing.T) {
	for _, in := range []string{
		``,
		`null`,
		`[]`,
		`{}`,
		`{"name": "FloatDistribution"}`,
		`{"name": "FloatDistribution", "attributes": null}`,
		`{"name": "FloatDistribution", "attributes": {"high": 1.0}}`,
		`{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1e400}}`,
		`{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "step": 0}}`,
		`{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "log": "yes"}}`,
		`{"name": "IntDistribution", "attributes": {"low": 0.5, "high": 10}}`,
		`{"name": "IntDistribution", "attributes": {"low": 0, "high": 1e300}}`,
		`{"name": "IntDistribution", "attributes": {"low": 0}}`,
		`{"name": "IntDistribution", "attributes": {"low": 0, "high": 10, "step": -2}}`,
		`{"name": "CategoricalDistribution", "attributes": {"choices": [[1]]}}`,
		`{"name": "CategoricalDistribution", "attributes": {"choices": [{"a": 1}]}}`,
		`{"name": "CategoricalDistribution", "attributes": {"choices": ["a", "a"]}}`,
		`{"name": "CategoricalDistribution", "attributes": {"choices": "ab"}}`,
		`{"name": "CategoricalDistribution", "attributes": {}}`,
		`{"type": "float", "low": 1}`,
		`{"type": "bool"}`,
		`{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0}`,
	} {
		d, err := core.ParseDistribution([]byte(in))
		if !errors.Is(err, core.ErrInvalidDistribution) {
			t.Errorf("ParseDistribution(%s) = %v, %v; want ErrInvalidDistribution", in, d, err)
		}
	}
}

func TestParseDistributionCategoricalTypes(t *testing.T) {
	d, err := core.ParseDistribution([]byte(`{"name": "CategoricalDistribution", "attributes": {"choices": [1, 1.0, 1e2, -0.0, "1", true, null]}}`))
	if err != nil {
		t.Fatal(err)
	}
	c := d.(core.Categorical)
	want := []any{1, 1.0, 100.0, math.Copysign(0, -1), "1", true, nil}
	for i, w := range want {
		if !sameValue(c.Choice(i), w) {
			t.Errorf("choice %d = %#v (%T), want %#v (%T)", i, c.Choice(i), c.Choice(i), w, w)
		}
	}
	const wantJSON = `{"name": "CategoricalDistribution", "attributes": {"choices": [1, 1.0, 100.0, -0.0, "1", true, null]}}`
	if got := core.DistributionJSON(d); got != wantJSON {
		t.Errorf("DistributionJSON = %s, want %s", got, wantJSON)
	}
}

// TestDistributionJSONStrings checks the escaping of categorical strings
// against what Python's json.dumps writes (ensure_ascii).
func TestDistributionJSONStrings(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"<&>", `"<&>"`},
		{"é", `"\u00e9"`},
		{"\U0001F600", `"\ud83d\ude00"`},
		{"\x00\x1f\x7f", `"\u0000\u001f\u007f"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{`"\/`, `"\"\\/"`},
		{"\xff", `"\ufffd"`},
	}
	for _, tt := range tests {
		d, err := core.NewCategorical(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"name": "CategoricalDistribution", "attributes": {"choices": [` + tt.want + `]}}`
		got := core.DistributionJSON(d)
		if got != want {
			t.Errorf("DistributionJSON(%q) = %s, want %s", tt.in, got, want)
		}
		back, err := core.ParseDistribution([]byte(got))
		if err != nil {
			t.Fatal(err)
		}
		if s := back.(core.Categorical).Choice(0).(string); s != strings.ToValidUTF8(tt.in, "\uFFFD") {
			t.Errorf("ParseDistribution(%s) = %q, want %q", got, s, tt.in)
		}
	}
}
