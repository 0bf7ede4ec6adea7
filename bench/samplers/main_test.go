package main

import (
	"bufio"
	"bytes"
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/go-tune/tune/bench/functions"
)

// TestRegretTuneOnly runs the sample-efficiency part for tune alone, as
// -quick would but smaller: Branin, random and TPE, 2 seeds of 30 trials.
func TestRegretTuneOnly(t *testing.T) {
	c := &config{seeds: 2, trials: 30, costTrials: 1, optunaWhy: "not asked for"}
	if err := c.parse("10,30,100", "branin", "random,tpe", "", ""); err != nil {
		t.Fatal(err)
	}
	if len(c.budgets) != 2 || len(c.problems) != 1 || len(c.samplers) != 2 {
		t.Fatalf("parsed budgets %v, %d problems, %d samplers", c.budgets, len(c.problems), len(c.samplers))
	}
	res := runRegret(context.Background(), c)
	if len(res) != 2 {
		t.Fatalf("%d cells, want 2 (tune's random and TPE)", len(res))
	}
	for k, cl := range res {
		if cl.err != nil {
			t.Fatalf("%v: %v", k, cl.err)
		}
		for b := range c.budgets {
			s, ok := cl.at(b)
			if !ok || len(cl.regrets[b]) != 2 {
				t.Fatalf("%v, budget %d: %v", k, c.budgets[b], cl.regrets)
			}
			for _, x := range []float64{s.q1, s.med, s.q3} {
				if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
					t.Errorf("%v, budget %d: regret %v", k, c.budgets[b], x)
				}
			}
			if !(s.q1 <= s.med && s.med <= s.q3) {
				t.Errorf("%v, budget %d: quartiles %+v out of order", k, c.budgets[b], s)
			}
		}
	}
	var out bytes.Buffer
	(&report{c: c, res: res, w: &out}).print()
	for _, want := range []string{"Branin", "10 trials", "30 trials", "\nrandom ", "\nTPE, tune default"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRegrets(t *testing.T) {
	got := regrets([]float64{5, 3, 4, 1}, []int{1, 2, 4, 8}, 1)
	want := []float64{4, 2, 0}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("regret after %d: %v, want %v", i, got[i], w)
		}
	}
	if !math.IsNaN(got[3]) {
		t.Errorf("regret after 8 of 4 trials: %v, want NaN", got[3])
	}
	if q := quantile([]float64{4, 1, 3, 2}, 0.25); q != 1.75 {
		t.Errorf("quantile 0.25 = %v, want 1.75", q)
	}
}

// TestConverse plays Optuna's side of the pipe protocol on Mixed-5.
func TestConverse(t *testing.T) {
	p := functions.Mixed()
	job := newRegretJob(p, "optuna.samplers.RandomSampler(seed=seed)", []int{1, 2}, 2)
	script := strings.Join([]string{
		`{"seed": 1, "x": [0.001, 0.9, 0.2, 3.0, 1]}`,
		`{"seed": 1, "x": [0.01, 0.9, 0.2, 3.0, 0]}`,
		`{"seed": 2, "x": [0.001, 0.9, 0.2, 3.0, 2]}`,
		`{"seed": 2, "x": [0.001, 0.9, 0.2, 3.0, 1]}`,
		`{"done": true}`,
	}, "\n") + "\n"
	var toPython bytes.Buffer
	runs, err := converse(&toPython, bufio.NewReader(strings.NewReader(script)), job, p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(toPython.String(), "\n")
	if !strings.Contains(lines[0], `"mode":"regret"`) || !strings.Contains(lines[0], `"name":"optimizer"`) {
		t.Errorf("job line %s", lines[0])
	}
	if len(runs) != 2 || len(runs[0]) != 2 || len(runs[1]) != 2 {
		t.Fatalf("runs %v", runs)
	}
	for i, want := range []float64{0, 0.5, 0.2 + 0.25, 0} { // rmsprop at lr 1e-3: a = 0.5, a² = 0.25
		if got := runs[i/2][i%2]; math.Abs(got-want) > 1e-9 {
			t.Errorf("value %d = %v, want %v", i, got, want)
		}
	}
	if v, err := strconv.ParseFloat(lines[1], 64); err != nil || v != runs[0][0] {
		t.Errorf("first value written %q, want %v", lines[1], runs[0][0])
	}
}

func TestParseAskErrors(t *testing.T) {
	space := functions.Mixed().Space
	for _, line := range []string{
		`not json`,
		`{"seed": 1, "x": [0.001, 0.9]}`, // too few
		`{"seed": 1, "x": [0.001, 0.9, 0.2, 3.0, 3]}`, // no choice 3
		`{"seed": 1, "x": [0.001, 0.9, 0.2, 3.5, 1]}`, // layers not an integer
		`{"seed": 1, "x": [1e-06, 0.9, 0.2, 3.0, 1]}`, // lr below its range
	} {
		if _, err := parseAsk([]byte(line), space); err == nil {
			t.Errorf("parseAsk(%s): no error", line)
		}
	}
}

func TestConverseOutOfTurn(t *testing.T) {
	job := regretJob{Seeds: []int{1, 2}, Trials: 1}
	for _, script := range []string{
		`{"seed": 2, "x": [0, 0]}` + "\n",                           // seed 2 first
		`{"seed": 1, "x": [0, 0]}` + "\n" + `{"done": true}` + "\n", // seed 2 missing
		`{"seed": 1, "x": [0, 0]}` + "\n",                           // ends without done
	} {
		var sink bytes.Buffer
		if _, err := converse(&sink, bufio.NewReader(strings.NewReader(script)), job, functions.Branin()); err == nil {
			t.Errorf("converse(%q): no error", script)
		}
	}
}

// TestMulti runs the two-objective part small: every sampler gives a
// finite gap per budget, no larger than the front's hypervolume, and not
// growing with the budget.
func TestMulti(t *testing.T) {
	budgets := []int{20, 40}
	res, err := runMulti(context.Background(), 1, budgets)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range functions.MultiObjective() {
		for _, ms := range multiSamplers {
			g := res[p.Name][ms.name]
			if len(g) != len(budgets) || len(g[0]) != 1 || len(g[1]) != 1 {
				t.Fatalf("%s %s: gaps %v", p.Name, ms.name, g)
			}
			if !(g[0][0] >= 0 && g[0][0] <= p.FrontHV) || g[1][0] > g[0][0] {
				t.Errorf("%s %s: gaps %v, %v (front %v)", p.Name, ms.name, g[0][0], g[1][0], p.FrontHV)
			}
		}
	}
}

// TestTPETarget feeds the TPE verdict made-up regrets: the same spread on
// both sides is no worse, tune's all above Optuna's on one problem is worse.
func TestTPETarget(t *testing.T) {
	c := &config{seeds: 10, trials: 200, costTrials: 1}
	if err := c.parse("200", "branin,hartmann", "tpe31,tpe-mv,tpe", "", ""); err != nil {
		t.Fatal(err)
	}
	spread := func(base float64, order []int) *cell {
		r := make([]float64, len(order))
		for i, k := range order {
			r[i] = base + float64(k)
		}
		return &cell{regrets: [][]float64{r}}
	}
	even := []int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}
	odd := []int{1, 3, 5, 7, 9, 11, 13, 15, 17, 19}
	build := func(hartmannTune float64) map[cellKey]*cell {
		res := map[cellKey]*cell{}
		for _, p := range []string{"Branin", "Hartmann-6"} {
			for _, s := range []string{"tpe31", "tpe-mv"} {
				res[cellKey{p, s, sideOptuna}] = spread(0, even)
				res[cellKey{p, s, sideTune}] = spread(0, odd) // interleaved: median above, p about 0.4
			}
			res[cellKey{p, "tpe", sideTune}] = spread(0, odd)
		}
		res[cellKey{"Hartmann-6", "tpe-mv", sideTune}] = spread(hartmannTune, odd)
		return res
	}
	for _, tc := range []struct {
		shift float64
		want  string
	}{
		{0, "met     tune's TPE no worse"},
		{100, "NOT MET tune's TPE no worse"},
	} {
		var out bytes.Buffer
		(&report{c: c, res: build(tc.shift), w: &out}).tpeTarget()
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("shift %v: want %q in:\n%s", tc.shift, tc.want, out.String())
		}
		if !strings.Contains(out.String(), "(info)  medians alone") {
			t.Errorf("shift %v: no median line in:\n%s", tc.shift, out.String())
		}
	}
}
