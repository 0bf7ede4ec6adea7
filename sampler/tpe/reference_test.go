package tpe

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/go-tune/tune/core"
)

// jf is a float in the reference JSON, where infinities are "inf", "-inf".
type jf float64

func (f *jf) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := strconv.ParseFloat(s, 64)
		*f = jf(v)
		return err
	}
	var v float64
	err := json.Unmarshal(b, &v)
	*f = jf(v)
	return err
}

type refCase struct {
	Name         string `json:"name"`
	Multivariate bool   `json:"multivariate"`
	Space        []struct {
		Name string          `json:"name"`
		Dist json.RawMessage `json:"dist"`
	} `json:"space"`
	Below        map[string][]float64 `json:"below"`
	Above        map[string][]float64 `json:"above"`
	Points       map[string][]float64 `json:"points"`
	WeightsBelow []float64            `json:"weights_below"`
	MusBelow     map[string][]float64 `json:"mus_below"`
	SigmasBelow  map[string][]float64 `json:"sigmas_below"`
	LogL         []jf                 `json:"log_l"`
	LogG         []jf                 `json:"log_g"`
	Best         int                  `json:"best"`
	LogL31       []jf                 `json:"log_l31"`
	LogG31       []jf                 `json:"log_g31"`
	Best31       int                  `json:"best31"`
}

type reference struct {
	Optuna string    `json:"optuna"`
	Cases  []refCase `json:"cases"`
	Splits []struct {
		Scores [][2]jf `json:"scores"`
		NBelow int     `json:"n_below"`
		Below  []int   `json:"below"`
		Above  []int   `json:"above"`
	} `json:"splits"`
	Multi []struct {
		Values  [][]float64 `json:"values"`
		NBelow  int         `json:"n_below"`
		Below   []int       `json:"below"`
		Above   []int       `json:"above"`
		Weights []float64   `json:"weights"`
	} `json:"multi"`
	Groups []struct {
		Trials [][]string `json:"trials"`
		Groups [][]string `json:"groups"`
	} `json:"groups"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func close(a, b, tol float64) bool {
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= tol*max(1, math.Abs(b))
}

// TestEstimatorReference: for fixed observations, the kernels of the good
// set's estimator, both estimators' log densities at fixed points and the
// winning point match Optuna's (testdata/gen_reference.py).
func TestEstimatorReference(t *testing.T) {
	ref := loadReference(t)
	if len(ref.Cases) == 0 {
		t.Fatal("no cases in the reference")
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			names := make([]string, len(c.Space))
			dims := make([]dim, len(c.Space))
			for i, sp := range c.Space {
				d, err := core.ParseDistribution(sp.Dist)
				if err != nil {
					t.Fatal(err)
				}
				names[i], dims[i] = sp.Name, newDim(d)
			}
			cols := func(m map[string][]float64) ([][]float64, int) {
				out := make([][]float64, len(names))
				for i, n := range names {
					out[i] = m[n]
				}
				return out, len(out[0])
			}
			p := params{priorWeight: 1, magicClip: true, multivariate: c.Multivariate}
			below, nb := cols(c.Below)
			above, na := cols(c.Above)
			l := newEstimator(dims, below, nb, p, nil)
			for i, w := range c.WeightsBelow {
				if !close(l.w[i], w, 1e-12) {
					t.Errorf("weight %d = %v, want %v", i, l.w[i], w)
				}
			}
			for d, name := range names {
				if dims[d].choices > 0 {
					continue
				}
				for i := range c.MusBelow[name] {
					if !close(l.mus[d][i], c.MusBelow[name][i], 1e-12) || !close(l.sigmas[d][i], c.SigmasBelow[name][i], 1e-12) {
						t.Errorf("%s kernel %d: mu %v sigma %v, want %v %v", name, i, l.mus[d][i], l.sigmas[d][i], c.MusBelow[name][i], c.SigmasBelow[name][i])
					}
				}
			}
			pts, _ := cols(c.Points)
			for _, v := range []struct {
				what     string
				unscaled bool
				logL     []jf
				logG     []jf
				best     int
			}{{"scaled", false, c.LogL, c.LogG, c.Best}, {"3.1", true, c.LogL31, c.LogG31, c.Best31}} {
				p.unscaled = v.unscaled
				l := newEstimator(dims, below, nb, p, nil)
				g := newEstimator(dims, above, na, p, nil)
				ll, lg := l.logPDF(pts), g.logPDF(pts)
				best := 0
				for j := range ll {
					if !close(ll[j], float64(v.logL[j]), 1e-9) || !close(lg[j], float64(v.logG[j]), 1e-9) {
						t.Errorf("%s point %d: log l %v, log g %v; want %v, %v", v.what, j, ll[j], lg[j], v.logL[j], v.logG[j])
					}
					if ll[j]-lg[j] > ll[best]-lg[best] {
						best = j
					}
				}
				if best != v.best {
					t.Errorf("%s: best point %d, want %d", v.what, best, v.best)
				}
			}
		})
	}
}

// TestSplitReference: the good set and the rest match Optuna's split of the
// same scores (Complete, Pruned by deepest step, Running last).
func TestSplitReference(t *testing.T) {
	ref := loadReference(t)
	for i, c := range ref.Splits {
		scores := make([]score, len(c.Scores))
		for j, s := range c.Scores {
			scores[j] = score{step: float64(s[0]), value: float64(s[1])}
		}
		below, above := split(scores, c.NBelow)
		if !equalInts(below, c.Below) || !equalInts(above, c.Above) {
			t.Errorf("split %d: below %v above %v, want %v %v", i, below, above, c.Below, c.Above)
		}
	}
}

// TestMultiReference: with several objectives, the good set (by rank, then
// by hypervolume subset selection, in Optuna's order) and its hypervolume
// weights match Optuna's.
func TestMultiReference(t *testing.T) {
	ref := loadReference(t)
	if len(ref.Multi) == 0 {
		t.Fatal("no multi-objective cases in the reference")
	}
	for i, c := range ref.Multi {
		scores := make([]score, len(c.Values))
		for j, v := range c.Values {
			scores[j] = score{step: math.Inf(-1), vals: v}
		}
		below, above := splitMulti(scores, c.NBelow)
		if !equalInts(below, c.Below) || !equalInts(above, c.Above) {
			t.Errorf("case %d: below %v above %v, want %v %v", i, below, above, c.Below, c.Above)
			continue
		}
		w := weightsMulti(scores, below)
		for j := range c.Weights {
			if !close(w[j], c.Weights[j], 1e-9) {
				t.Errorf("case %d: weight %d = %v, want %v", i, j, w[j], c.Weights[j])
			}
		}
	}
}

// TestGroupReference: the group decomposition of conditional spaces matches
// Optuna's.
func TestGroupReference(t *testing.T) {
	ref := loadReference(t)
	if len(ref.Groups) == 0 {
		t.Fatal("no group cases in the reference")
	}
	for i, c := range ref.Groups {
		var in intersection
		for _, names := range c.Trials {
			var tr core.Trial
			for _, n := range names {
				tr.Params = append(tr.Params, core.Param{Name: n, Dist: core.Float{Low: 0, High: 1}})
			}
			in.refine(&tr)
		}
		var got [][]string
		for _, g := range in.groups {
			got = append(got, slices.Sorted(maps.Keys(g)))
		}
		slices.SortFunc(got, slices.Compare)
		if fmt.Sprint(got) != fmt.Sprint(c.Groups) {
			t.Errorf("case %d: groups %v, want %v", i, got, c.Groups)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
