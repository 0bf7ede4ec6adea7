package nsga2

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// refValue is a number or "inf" / "-inf" in reference.json.
type refValue float64

func (v *refValue) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"inf"`:
		*v = refValue(math.Inf(1))
	case `"-inf"`:
		*v = refValue(math.Inf(-1))
	default:
		var f float64
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		*v = refValue(f)
	}
	return nil
}

type refCase struct {
	Name     string
	Maximize []bool
	PopSize  int `json:"population_size"`
	Trials   []struct {
		Number      int
		Values      []refValue
		Constraints []float64
	}
	Fronts   [][]int
	Crowding []int `json:"crowding_first_front"`
	Elite    []int
}

func (c *refCase) members() []*member {
	var pop []*member
	for _, t := range c.Trials {
		m := &member{number: t.Number, cons: t.Constraints}
		for i, v := range t.Values {
			f := float64(v)
			if c.Maximize[i] {
				f = -f
			}
			m.values = append(m.values, f)
			m.raw = append(m.raw, float64(v))
		}
		pop = append(pop, m)
	}
	return pop
}

func numbers(ms []*member) []int {
	out := make([]int, len(ms))
	for i, m := range ms {
		out[i] = m.number
	}
	return out
}

// TestReference compares the non-dominated sort, the crowding-distance sort
// and the elite selection with Optuna 3.1's, order and ties included
// (testdata/gen_reference.py).
func TestReference(t *testing.T) {
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ Cases []refCase }
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			fronts := nondominatedSort(c.members())
			if len(fronts) != len(c.Fronts) {
				t.Fatalf("%d fronts, Optuna %d", len(fronts), len(c.Fronts))
			}
			for i, f := range fronts {
				if got := numbers(f); !slices.Equal(got, c.Fronts[i]) {
					t.Errorf("front %d: %v, Optuna %v", i, got, c.Fronts[i])
				}
			}
			first := fronts[0]
			crowdingSort(first)
			if got := numbers(first); !slices.Equal(got, c.Crowding) {
				t.Errorf("crowding sort of the first front: %v, Optuna %v", got, c.Crowding)
			}
			if got := numbers(selectElite(c.members(), c.PopSize)); !slices.Equal(got, c.Elite) {
				t.Errorf("elite: %v, Optuna %v", got, c.Elite)
			}
		})
	}
}
