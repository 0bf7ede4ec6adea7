package core_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/go-tune/tune/core"
)

// FuzzParseDistribution checks that ParseDistribution never panics, that
// what it accepts is valid, and that DistributionJSON writes it back in a
// form that parses to an Equal distribution and is a fixed point.
func FuzzParseDistribution(f *testing.F) {
	b, err := os.ReadFile("testdata/distributions.json")
	if err != nil {
		f.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		f.Fatal(err)
	}
	for _, c := range g.Distributions {
		f.Add(c.JSON)
	}
	for _, c := range g.Parse {
		f.Add(c.Input)
	}
	for _, s := range []string{
		``,
		`{`,
		`null`,
		`{"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "step": 1e-300}}`,
		`{"name": "FloatDistribution", "attributes": {"low": -1e308, "high": 1e308}}`,
		`{"name": "FloatDistribution", "attributes": {"low": 0.1, "high": 0.3, "step": 0.1}}`,
		`{"name": "IntDistribution", "attributes": {"low": -9223372036854775808, "high": 9223372036854775807}}`,
		`{"name": "IntDistribution", "attributes": {"low": 1e18, "high": 2e18, "step": 1e17}}`,
		`{"name": "CategoricalDistribution", "attributes": {"choices": [1, 1.0, "1", true, null]}}`,
		`{"name": "CategoricalDistribution", "attributes": {"choices": [100000000000000000000, 1e400]}}`,
		`{"name": "CategoricalDistribution", "attributes": {"choices": ["\ud83d\ude00", "\ud800", "\u0000"]}}`,
		`{"type": "categorical", "choices": [[1], {"a": 2}]}`,
		`{"type": "int", "low": "1", "high": "2"}`,
		`{"name": "DiscreteUniformDistribution", "attributes": {"low": 0, "high": 1, "q": null}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := core.ParseDistribution([]byte(in))
		if err != nil {
			if !errors.Is(err, core.ErrInvalidDistribution) {
				t.Fatalf("ParseDistribution(%q): %v does not wrap ErrInvalidDistribution", in, err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("ParseDistribution(%q) = %v, which does not validate: %v", in, d, err)
		}
		out := core.DistributionJSON(d)
		back, err := core.ParseDistribution([]byte(out))
		if err != nil {
			t.Fatalf("ParseDistribution(%q) = %v, whose JSON %s does not parse: %v", in, d, out, err)
		}
		if !core.Equal(back, d) {
			t.Fatalf("ParseDistribution(%q) = %v, whose JSON %s parses to %v", in, d, out, back)
		}
		if again := core.DistributionJSON(back); again != out {
			t.Fatalf("DistributionJSON is not a fixed point: %s, then %s", out, again)
		}
	})
}
