package runner

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Record is what one line of a program's output says about its metrics.
type Record struct {
	// Step is the line's step ("step" or "epoch"); -1 when it names none.
	Step int
	// Values holds the metrics the line reports, by name.
	Values map[string]float64
	// Final marks the line as the trial's final result ("final": true,
	// or final=true).
	Final bool
}

// ParseLine reads one line of a program's output. It recognises two
// forms, and reports ok false for any other line (log output, progress
// bars), which is not an error:
//
//   - a JSON object whose values are numbers (or numeric strings, NaN
//     written "NaN"), with optional "step" or "epoch" (an integer) and
//     "final" (a bool): {"step": 3, "val_loss": 0.21};
//   - name=value pairs separated by spaces or commas, Katib's format,
//     where every pair's value is a number: epoch=3 val_loss=0.21.
//
// A line that has that shape but a malformed part (a fractional step, a
// non-number value for a metric) is an error that says what is wrong, so
// that a typo in a training script does not silently lose its metric.
func ParseLine(line string) (rec Record, ok bool, err error) {
	s := strings.TrimSpace(line)
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		return parseJSON(s)
	}
	return parseKV(s)
}

func parseJSON(s string) (Record, bool, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || dec.More() {
		return Record{}, false, nil // not JSON: an ordinary line that happens to be in braces
	}
	rec := Record{Step: -1, Values: map[string]float64{}}
	for k, v := range obj {
		switch k {
		case "step", "epoch":
			n, err := stepOf(v)
			if err != nil {
				return Record{}, true, fmt.Errorf("runner: %q in %s: %w", k, s, err)
			}
			rec.Step = n
			continue
		case "final":
			b, ok := v.(bool)
			if !ok {
				return Record{}, true, fmt.Errorf("runner: \"final\" in %s must be true or false", s)
			}
			rec.Final = b
			continue
		}
		x, err := numberOf(v)
		if err != nil {
			// Not a metric line after all if nothing in it is a number.
			continue
		}
		rec.Values[k] = x
	}
	if len(rec.Values) == 0 {
		return Record{}, false, nil
	}
	return rec, true, nil
}

func stepOf(v any) (int, error) {
	var s string
	switch v := v.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = v
	default:
		return 0, fmt.Errorf("the step must be a whole number, got %v", v)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("the step must be a whole number >= 0, got %s", s)
	}
	return n, nil
}

func numberOf(v any) (float64, error) {
	var s string
	switch v := v.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = v
	default:
		return 0, fmt.Errorf("not a number: %v", v)
	}
	return parseNumber(s)
}

func parseNumber(s string) (float64, error) {
	switch strings.ToLower(s) {
	case "nan":
		return math.NaN(), nil
	case "inf", "+inf", "infinity":
		return math.Inf(1), nil
	case "-inf", "-infinity":
		return math.Inf(-1), nil
	}
	return strconv.ParseFloat(s, 64)
}

// parseKV reads "a=1 b=2" or "a=1, b=2"; every field must be a pair.
func parseKV(s string) (Record, bool, error) {
	if !strings.Contains(s, "=") {
		return Record{}, false, nil
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' })
	rec := Record{Step: -1, Values: map[string]float64{}}
	for _, f := range fields {
		name, val, found := strings.Cut(f, "=")
		if !found || name == "" || !validName(name) {
			return Record{}, false, nil // prose with an '=' in it
		}
		switch name {
		case "step", "epoch":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return Record{}, true, fmt.Errorf("runner: %s=%s: the step must be a whole number >= 0", name, val)
			}
			rec.Step = n
		case "final":
			b, err := strconv.ParseBool(val)
			if err != nil {
				return Record{}, true, fmt.Errorf("runner: final=%s: want true or false", val)
			}
			rec.Final = b
		default:
			x, err := parseNumber(val)
			if err != nil {
				return Record{}, false, nil
			}
			rec.Values[name] = x
		}
	}
	if len(rec.Values) == 0 {
		return Record{}, false, nil
	}
	return rec, true, nil
}

// validName accepts metric names of letters, digits, '_', '-', '.', '/'.
func validName(s string) bool {
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || r == '/' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
