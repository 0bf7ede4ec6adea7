package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
)

// ErrInvalidDistribution is wrapped by every error about a badly defined
// distribution (bounds, step, log scale, choices) and by parse errors of
// distribution JSON.
var ErrInvalidDistribution = errors.New("invalid distribution")

// ErrIncompatible is wrapped by the error returned when a parameter is given a
// distribution of another kind than it had before in the same study.
var ErrIncompatible = errors.New("incompatible distribution")

// Distribution is the set of values a parameter may take, and the mapping
// between the values the objective sees (external: float64, int, or a
// categorical choice) and the float64 that storages keep (internal: the value
// itself for Float and Int, the choice's index for Categorical), as in Optuna.
//
// It is sealed: Float, Int and Categorical are its only implementations. All
// three are immutable values, safe to share between goroutines.
type Distribution interface {
	// Validate reports why the distribution is not well defined, or nil.
	Validate() error
	// Contains reports whether internal is a legal internal value.
	Contains(internal float64) bool
	// ToInternal converts an external value to its internal float64. It fails
	// for a value of the wrong type; it does not check Contains.
	ToInternal(external any) (float64, error)
	// ToExternal converts a legal internal value to the external value.
	ToExternal(internal float64) any
	// Single reports whether the distribution has exactly one value.
	Single() bool
	// String describes the distribution, such as "Float[0, 1 log]".
	String() string
	// MarshalJSON returns Optuna's JSON form of the distribution.
	MarshalJSON() ([]byte, error)

	isDistribution()
}

// Float is a distribution of float64 values in [Low, High], uniform on a
// linear or (Log) logarithmic scale, optionally discretised to Low + k*Step.
// It is Optuna's FloatDistribution.
type Float struct {
	Low, High float64
	// Step, when positive, allows only Low, Low+Step, ..., High; it must
	// divide High-Low exactly (in decimal, as written). 0 means continuous.
	Step float64
	// Log samples on a logarithmic scale; it needs Low > 0 and no Step.
	Log bool
}

func (Float) isDistribution() {}

// Validate implements Distribution.
func (d Float) Validate() error {
	switch {
	case math.IsNaN(d.Low) || math.IsInf(d.Low, 0) || math.IsNaN(d.High) || math.IsInf(d.High, 0):
		return fmt.Errorf("%w: bounds must be finite, got low=%v high=%v", ErrInvalidDistribution, d.Low, d.High)
	case d.Low > d.High:
		return fmt.Errorf("%w: low %v > high %v", ErrInvalidDistribution, d.Low, d.High)
	case math.IsNaN(d.Step) || math.IsInf(d.Step, 0) || d.Step < 0:
		return fmt.Errorf("%w: step must be positive, got %v", ErrInvalidDistribution, d.Step)
	case d.Log && d.Step != 0:
		return fmt.Errorf("%w: log scale and step cannot be used together", ErrInvalidDistribution)
	case d.Log && d.Low <= 0:
		return fmt.Errorf("%w: log scale needs low > 0, got low=%v", ErrInvalidDistribution, d.Low)
	case d.Step > 0 && !decimalDivides(d.Low, d.High, d.Step):
		return fmt.Errorf("%w: step %v does not divide the range [%v, %v]", ErrInvalidDistribution, d.Step, d.Low, d.High)
	}
	return nil
}

// decimalDivides reports whether step divides high-low exactly, reading each
// number as the shortest decimal that prints it (as Optuna does with Decimal).
func decimalDivides(low, high, step float64) bool {
	dec := func(f float64) *big.Rat {
		r, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
		return r
	}
	q := new(big.Rat).Sub(dec(high), dec(low))
	q.Quo(q, dec(step))
	return q.IsInt()
}

// Contains implements Distribution, with Optuna's tolerance of 1e-8 steps.
func (d Float) Contains(x float64) bool {
	if !(d.Low <= x && x <= d.High) {
		return false
	}
	if d.Step == 0 {
		return true
	}
	k := (x - d.Low) / d.Step
	return math.Abs(k-math.Round(k)) < 1e-8
}

// ToInternal implements Distribution: any Go number is accepted.
func (d Float) ToInternal(v any) (float64, error) {
	f, ok := toFloat(v)
	if !ok {
		return 0, fmt.Errorf("core: %v is a %T, not a number, for %v", v, v, d)
	}
	return f, nil
}

// ToExternal implements Distribution; the external value is a float64.
func (d Float) ToExternal(x float64) any { return x }

// Single implements Distribution.
func (d Float) Single() bool { return d.Low == d.High }

// String implements Distribution.
func (d Float) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Float[%v, %v", d.Low, d.High)
	if d.Log {
		b.WriteString(" log")
	}
	if d.Step != 0 {
		fmt.Fprintf(&b, " step %v", d.Step)
	}
	b.WriteByte(']')
	return b.String()
}

// MarshalJSON implements Distribution.
func (d Float) MarshalJSON() ([]byte, error) {
	step := "null"
	if d.Step != 0 {
		step = PythonFloat(d.Step)
	}
	return fmt.Appendf(nil, `{"name": "FloatDistribution", "attributes": {"step": %s, "low": %s, "high": %s, "log": %t}}`,
		step, PythonFloat(d.Low), PythonFloat(d.High), d.Log), nil
}

// Int is a distribution of integers Low, Low+Step, ..., High, uniform on a
// linear or (Log) logarithmic scale. It is Optuna's IntDistribution.
type Int struct {
	Low, High int
	// Step is the spacing of the allowed values; it must divide High-Low.
	// 0 means 1.
	Step int
	// Log samples on a logarithmic scale; it needs Low >= 1 and Step 1.
	Log bool
}

func (Int) isDistribution() {}

// maxExactInt is the largest integer up to which every integer is a float64:
// Int's bounds must lie within ±maxExactInt, since its internal value is a
// float64.
const maxExactInt = 1 << 53

// StepOrOne returns Step, or 1 when Step is 0.
func (d Int) StepOrOne() int {
	if d.Step == 0 {
		return 1
	}
	return d.Step
}

// Validate implements Distribution.
func (d Int) Validate() error {
	switch {
	case d.Low < -maxExactInt || d.High > maxExactInt:
		return fmt.Errorf("%w: bounds [%d, %d] must be within ±2^53, where float64 holds every integer", ErrInvalidDistribution, d.Low, d.High)
	case d.Low > d.High:
		return fmt.Errorf("%w: low %d > high %d", ErrInvalidDistribution, d.Low, d.High)
	case d.Step < 0:
		return fmt.Errorf("%w: step must be positive, got %d", ErrInvalidDistribution, d.Step)
	case d.Log && d.StepOrOne() != 1:
		return fmt.Errorf("%w: log scale and step cannot be used together", ErrInvalidDistribution)
	case d.Log && d.Low < 1:
		return fmt.Errorf("%w: log scale needs low >= 1, got low=%d", ErrInvalidDistribution, d.Low)
	case (d.High-d.Low)%d.StepOrOne() != 0:
		return fmt.Errorf("%w: step %d does not divide the range [%d, %d]", ErrInvalidDistribution, d.Step, d.Low, d.High)
	}
	return nil
}

// Contains implements Distribution.
func (d Int) Contains(x float64) bool {
	if x != math.Trunc(x) || x < float64(d.Low) || x > float64(d.High) {
		return false
	}
	return (int(x)-d.Low)%d.StepOrOne() == 0
}

// ToInternal implements Distribution: Go integers, and floats with an
// integral value, are accepted.
func (d Int) ToInternal(v any) (float64, error) {
	f, ok := toFloat(v)
	if !ok || f != math.Trunc(f) {
		return 0, fmt.Errorf("core: %v (%T) is not an integer, for %v", v, v, d)
	}
	return f, nil
}

// ToExternal implements Distribution; the external value is an int.
func (d Int) ToExternal(x float64) any { return int(x) }

// Single implements Distribution.
func (d Int) Single() bool { return d.Low == d.High }

// String implements Distribution.
func (d Int) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Int[%d, %d", d.Low, d.High)
	if d.Log {
		b.WriteString(" log")
	}
	if d.StepOrOne() != 1 {
		fmt.Fprintf(&b, " step %d", d.Step)
	}
	b.WriteByte(']')
	return b.String()
}

// MarshalJSON implements Distribution.
func (d Int) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"name": "IntDistribution", "attributes": {"log": %t, "step": %d, "low": %d, "high": %d}}`,
		d.Log, d.StepOrOne(), d.Low, d.High), nil
}

// Categorical is a distribution over a list of choices, each a string, an
// int, a float64, a bool or nil. Its internal value is the choice's index.
// It is Optuna's CategoricalDistribution. Build it with NewCategorical; the
// zero value has no choices and is invalid.
type Categorical struct {
	choices []any
}

func (Categorical) isDistribution() {}

// NewCategorical returns the distribution over choices. Integers of any Go
// type become int, float32 becomes float64, and a json.Number becomes an int
// or a float64. It fails for no choices, a choice of another type, a NaN or
// infinite choice, or a choice given twice.
func NewCategorical(choices ...any) (Categorical, error) {
	if len(choices) == 0 {
		return Categorical{}, fmt.Errorf("%w: no choices", ErrInvalidDistribution)
	}
	norm := make([]any, len(choices))
	for i, c := range choices {
		v, err := normalizeChoice(c)
		if err != nil {
			return Categorical{}, err
		}
		for _, prev := range norm[:i] {
			if prev == v {
				return Categorical{}, fmt.Errorf("%w: choice %s given twice", ErrInvalidDistribution, choiceString(v))
			}
		}
		norm[i] = v
	}
	return Categorical{choices: norm}, nil
}

func normalizeChoice(c any) (any, error) {
	switch v := c.(type) {
	case nil, bool, string:
		return v, nil
	case int:
		return v, nil
	case int8:
		return int(v), nil
	case int16:
		return int(v), nil
	case int32:
		return int(v), nil
	case int64:
		return int(v), nil
	case uint8:
		return int(v), nil
	case uint16:
		return int(v), nil
	case uint32:
		return int(v), nil
	case uint:
		if v > math.MaxInt {
			break
		}
		return int(v), nil
	case uint64:
		if v > math.MaxInt {
			break
		}
		return int(v), nil
	case float32:
		return normalizeChoice(float64(v))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: choice %v is not finite", ErrInvalidDistribution, v)
		}
		return v, nil
	case json.Number:
		if i, err := strconv.ParseInt(string(v), 10, 0); err == nil {
			return int(i), nil
		}
		f, err := v.Float64()
		if err != nil {
			return nil, fmt.Errorf("%w: choice %q is not a number", ErrInvalidDistribution, v)
		}
		return normalizeChoice(f)
	}
	return nil, fmt.Errorf("%w: choice %v has type %T (want string, int, float, bool or nil)", ErrInvalidDistribution, c, c)
}

func choiceString(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		return strconv.Quote(x)
	}
	return fmt.Sprint(v)
}

// Len returns the number of choices.
func (d Categorical) Len() int { return len(d.choices) }

// Choice returns the i-th choice.
func (d Categorical) Choice(i int) any { return d.choices[i] }

// Choices returns a copy of the choices.
func (d Categorical) Choices() []any { return append([]any(nil), d.choices...) }

// Validate implements Distribution.
func (d Categorical) Validate() error {
	if len(d.choices) == 0 {
		return fmt.Errorf("%w: no choices", ErrInvalidDistribution)
	}
	return nil
}

// Contains implements Distribution.
func (d Categorical) Contains(x float64) bool {
	return x == math.Trunc(x) && x >= 0 && x < float64(len(d.choices))
}

// ToInternal implements Distribution: it returns the index of the choice
// equal to v. Numbers compare by value across int and float64 (so a choice
// read back from JSON is found), bools and strings by identity.
func (d Categorical) ToInternal(v any) (float64, error) {
	n, err := normalizeChoice(v)
	if err != nil {
		return 0, fmt.Errorf("core: %v is not a choice of %v", v, d)
	}
	for i, c := range d.choices {
		if c == n {
			return float64(i), nil
		}
	}
	if f, ok := toFloat(n); ok {
		for i, c := range d.choices {
			if g, ok := toFloat(c); ok && f == g {
				return float64(i), nil
			}
		}
	}
	return 0, fmt.Errorf("core: %s is not a choice of %v", choiceString(n), d)
}

// ToExternal implements Distribution; the external value is the choice.
func (d Categorical) ToExternal(x float64) any { return d.choices[int(x)] }

// Single implements Distribution.
func (d Categorical) Single() bool { return len(d.choices) == 1 }

// String implements Distribution.
func (d Categorical) String() string {
	var b strings.Builder
	b.WriteString("Categorical[")
	for i, c := range d.choices {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(choiceString(c))
	}
	b.WriteByte(']')
	return b.String()
}

// MarshalJSON implements Distribution.
func (d Categorical) MarshalJSON() ([]byte, error) {
	b := []byte(`{"name": "CategoricalDistribution", "attributes": {"choices": [`)
	for i, c := range d.choices {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendPythonJSON(b, c)
	}
	return append(b, "]}}"...), nil
}

func appendPythonJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		return append(b, PythonFloat(x)...)
	case string:
		return appendPythonString(b, x)
	}
	panic(fmt.Sprintf("core: unexpected choice type %T", v))
}

// appendPythonString appends s quoted as Python's json.dumps does (with its
// default ensure_ascii): only printable ASCII is written as is, everything
// else as \uXXXX (UTF-16, so a surrogate pair above U+FFFF). Invalid UTF-8
// becomes U+FFFD.
func appendPythonString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	u := func(b []byte, r rune) []byte {
		return append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
	}
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r == '\b':
			b = append(b, `\b`...)
		case r == '\f':
			b = append(b, `\f`...)
		case r >= 0x20 && r < 0x7f:
			b = append(b, byte(r))
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			b = u(u(b, r1), r2)
		default:
			b = u(b, r)
		}
	}
	return append(b, '"')
}

// PythonFloat formats f as Python's repr does (and so json.dumps): the
// shortest digits, with ".0" for integral values and an exponent below 1e-4 or
// from 1e16 on. It keeps a float a float when Optuna reads it back.
func PythonFloat(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	// The exponent of the shortest 'e' form is exact, unlike a logarithm.
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// Equal reports whether a and b are the same distribution (an Int's Step 0
// and 1 are the same). Nil equals only nil.
func Equal(a, b Distribution) bool {
	switch x := a.(type) {
	case Float:
		y, ok := b.(Float)
		return ok && x == y
	case Int:
		y, ok := b.(Int)
		return ok && x.Low == y.Low && x.High == y.High && x.Log == y.Log && x.StepOrOne() == y.StepOrOne()
	case Categorical:
		y, ok := b.(Categorical)
		if !ok || len(x.choices) != len(y.choices) {
			return false
		}
		for i := range x.choices {
			if x.choices[i] != y.choices[i] {
				return false
			}
		}
		return true
	}
	return a == nil && b == nil
}

// CheckCompatible reports whether a parameter that had distribution old in a
// study may be given next in another trial of the same study, by Optuna's
// rule: the same kind, the same log scale for numbers (bounds and step may
// change), and the same choices for a categorical. The error wraps
// ErrIncompatible.
func CheckCompatible(old, next Distribution) error {
	switch o := old.(type) {
	case Float:
		if n, ok := next.(Float); ok {
			if o.Log != n.Log {
				return fmt.Errorf("%w: %v was %v, cannot change log scale", ErrIncompatible, next, old)
			}
			return nil
		}
	case Int:
		if n, ok := next.(Int); ok {
			if o.Log != n.Log {
				return fmt.Errorf("%w: %v was %v, cannot change log scale", ErrIncompatible, next, old)
			}
			return nil
		}
	case Categorical:
		if _, ok := next.(Categorical); ok {
			if !Equal(old, next) {
				return fmt.Errorf("%w: %v was %v, choices cannot change", ErrIncompatible, next, old)
			}
			return nil
		}
	}
	return fmt.Errorf("%w: %v was %v, cannot change kind", ErrIncompatible, next, old)
}

// ParseDistribution parses Optuna's JSON form of a distribution, including
// the distributions of Optuna 2 (UniformDistribution, LogUniformDistribution,
// DiscreteUniformDistribution, IntUniformDistribution,
// IntLogUniformDistribution), which it converts as Optuna does, and Optuna's
// abbreviated form ({"type": "float", "low": 0, "high": 1, "log": true}). The
// result is validated; errors wrap ErrInvalidDistribution.
func ParseDistribution(data []byte) (Distribution, error) {
	var env struct {
		Name       string          `json:"name"`
		Attributes json.RawMessage `json:"attributes"`
		Type       string          `json:"type"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDistribution, err)
	}
	if env.Name == "" && env.Type != "" {
		// Optuna's abbreviated form: {"type": "float", "low": 0, "high": 1, "log": true}.
		names := map[string]string{"float": "FloatDistribution", "int": "IntDistribution", "categorical": "CategoricalDistribution"}
		env.Name, env.Attributes = names[env.Type], data
		if env.Name == "" {
			return nil, fmt.Errorf("%w: unknown distribution type %q", ErrInvalidDistribution, env.Type)
		}
	}
	var a struct {
		Low  *json.Number `json:"low"`
		High *json.Number `json:"high"`
		Step *json.Number `json:"step"`
		Q    *json.Number `json:"q"`
		Log  bool         `json:"log"`
	}
	dec := json.NewDecoder(bytes.NewReader(env.Attributes))
	dec.UseNumber()
	if len(env.Attributes) == 0 {
		return nil, fmt.Errorf("%w: %q has no attributes", ErrInvalidDistribution, env.Name)
	}
	var d Distribution
	var err error
	switch env.Name {
	case "CategoricalDistribution":
		var c struct {
			Choices []any `json:"choices"`
		}
		if err = dec.Decode(&c); err != nil {
			break
		}
		for _, ch := range c.Choices {
			switch ch.(type) {
			case []any, map[string]any:
				return nil, fmt.Errorf("%w: choice %v is not a scalar", ErrInvalidDistribution, ch)
			}
		}
		d, err = NewCategorical(c.Choices...)
	case "FloatDistribution", "UniformDistribution", "LogUniformDistribution", "DiscreteUniformDistribution":
		if err = dec.Decode(&a); err != nil {
			break
		}
		f := Float{Log: a.Log || env.Name == "LogUniformDistribution"}
		if f.Low, f.High, err = floatBounds(a.Low, a.High); err != nil {
			break
		}
		step := a.Step
		if env.Name == "DiscreteUniformDistribution" {
			step = a.Q
		}
		if step != nil {
			if f.Step, err = step.Float64(); err != nil {
				break
			}
			if f.Step <= 0 {
				err = fmt.Errorf("step must be positive, got %v", f.Step)
				break
			}
		}
		d = f
	case "IntDistribution", "IntUniformDistribution", "IntLogUniformDistribution":
		if err = dec.Decode(&a); err != nil {
			break
		}
		i := Int{Log: a.Log || env.Name == "IntLogUniformDistribution", Step: 1}
		if i.Low, err = intAttr(a.Low, "low"); err != nil {
			break
		}
		if i.High, err = intAttr(a.High, "high"); err != nil {
			break
		}
		// Optuna 2's samplers ignored IntLogUniformDistribution's
		// deprecated step; any other step is kept, and validated.
		if a.Step != nil && env.Name != "IntLogUniformDistribution" {
			if i.Step, err = intAttr(a.Step, "step"); err != nil {
				break
			}
			if i.Step < 1 {
				err = fmt.Errorf("step must be positive, got %d", i.Step)
				break
			}
		}
		d = i
	default:
		return nil, fmt.Errorf("%w: unknown distribution name %q", ErrInvalidDistribution, env.Name)
	}
	if err != nil {
		if errors.Is(err, ErrInvalidDistribution) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidDistribution, env.Name, err)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

func floatBounds(low, high *json.Number) (float64, float64, error) {
	if low == nil || high == nil {
		return 0, 0, errors.New("low and high are required")
	}
	l, err := low.Float64()
	if err != nil {
		return 0, 0, err
	}
	h, err := high.Float64()
	return l, h, err
}

func intAttr(n *json.Number, name string) (int, error) {
	if n == nil {
		return 0, fmt.Errorf("%s is required", name)
	}
	if i, err := strconv.ParseInt(string(*n), 10, 0); err == nil {
		return int(i), nil
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("%s %s is not an integer", name, n)
	}
	return int(f), nil
}

// DistributionJSON returns Optuna's JSON form of d as a string, byte for byte
// what Optuna's distribution_to_json writes.
func DistributionJSON(d Distribution) string {
	b, _ := d.MarshalJSON()
	return string(b)
}
