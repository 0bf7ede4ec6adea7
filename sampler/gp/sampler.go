package gp

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/random"
)

// AttrParams is the trial system attribute where the sampler keeps the
// hyperparameters it fitted for a trial: {"space": key, "log": [log
// InvSqLengthscales..., log KernelScale, log(NoiseVar-MinNoiseVar)]}. The
// next fit over the same space starts from those of the highest-numbered
// Complete trial that has them.
const AttrParams = "gp:params"

// The iteration limits of the hyperparameter fit: from the defaults, and
// from the stored hyperparameters of an earlier trial (which change little
// from one trial to the next).
const (
	coldFitIter = 200
	// coldFitMax is the most observations a cold fit uses (see propose).
	coldFitMax  = 100
	warmFitIter = 6
	localIter   = 40
)

// Config configures a Sampler. The zero value is the default.
type Config struct {
	// StartupTrials is how many Complete trials are sampled at random
	// before the GP starts. 0 means 10; a negative value means none (the
	// GP still needs one Complete trial to know the search space).
	StartupTrials int
	// Candidates is how many quasi-random points (scrambled Sobol) the
	// acquisition function is evaluated at before the local searches. 0
	// means 2048; it must not be negative nor above 1<<20.
	Candidates int
	// LocalSearches is how many of the best candidates a bounded
	// quasi-Newton search starts from. 0 means 10; a negative value means
	// none. It must be at most 1000.
	LocalSearches int
	// Seed seeds the sampling. 0 means a seed derived from the study's
	// recorded seed and name (see Sampler.Seed), so that every worker
	// agrees and every run of the study is reproducible.
	Seed uint64
	// NoLiar leaves the Running trials out. By default each Running trial
	// that has the parameters of the search space counts, in the posterior
	// (not in the hyperparameter fit), as an observation of the worst
	// value seen so far: the constant liar, which steers parallel workers
	// away from the points already being evaluated.
	NoLiar bool
}

// Sampler is the GP sampler. It keeps no state of its own beyond the seeds
// it has read, and is safe for concurrent use.
//
// It samples jointly the parameters that every Complete trial has (the
// intersection space, less single-valued parameters), in sorted name
// order; the others, the startup trials and multi-objective studies
// (which this sampler does not model) are sampled by random.Draw.
type Sampler struct {
	// random.Sampler samples what the sampler does not sample jointly
	// (SampleIndependent).
	random.Sampler

	cfg   Config // resolved
	seeds sampler.Seeds
}

var (
	_ sampler.Sampler  = (*Sampler)(nil)
	_ sampler.Relative = (*Sampler)(nil)
)

// New returns a GP sampler, or an error that names the field of cfg that is
// out of range.
func New(cfg Config) (*Sampler, error) {
	switch {
	case cfg.Candidates < 0 || cfg.Candidates > 1<<20:
		return nil, fmt.Errorf("gp: Candidates is %d; it must be in [1, 1<<20] (0 means 2048)", cfg.Candidates)
	case cfg.LocalSearches > 1000:
		return nil, fmt.Errorf("gp: LocalSearches is %d; it must be at most 1000 (0 means 10, negative none)", cfg.LocalSearches)
	}
	switch {
	case cfg.StartupTrials == 0:
		cfg.StartupTrials = 10
	case cfg.StartupTrials < 0:
		cfg.StartupTrials = 0
	}
	if cfg.Candidates == 0 {
		cfg.Candidates = 2048
	}
	switch {
	case cfg.LocalSearches == 0:
		cfg.LocalSearches = 10
	case cfg.LocalSearches < 0:
		cfg.LocalSearches = 0
	}
	return &Sampler{cfg: cfg}, nil
}

// Config returns the sampler's configuration with the defaults filled in
// (StartupTrials and LocalSearches 0 then mean none).
func (s *Sampler) Config() Config { return s.cfg }

// Seed returns the sampling seed of study: Config.Seed or, when it is 0,
// one derived from the study's recorded seed (core.SeedAttr) and its name,
// read once per study name. Trial n draws from a generator seeded by this
// seed and n.
func (s *Sampler) Seed(ctx context.Context, study core.Study) (uint64, error) {
	return s.seeds.Get(ctx, study, s.cfg.Seed)
}

// RelativeSpace implements sampler.Relative: the intersection space of the
// Complete trials, or nil for a multi-objective study.
func (s *Sampler) RelativeSpace(ctx context.Context, study core.Study, _ core.Trial) (map[string]core.Distribution, error) {
	if len(study.Directions()) != 1 {
		return nil, nil
	}
	trials, err := study.Trials(ctx, core.Complete)
	if err != nil {
		return nil, err
	}
	return sampler.IntersectionSpaceOf(trials, core.Complete), nil
}

// dim is one parameter in the GP's coordinates.
type dim struct {
	name   string
	d      core.Distribution
	cat    int // > 0: categorical with cat choices (the coordinate is the index)
	log    bool
	lo, hi float64 // the (log) range that [0, 1] spans, widened by half a step for discrete parameters
}

func newDim(name string, d core.Distribution) dim {
	x := dim{name: name, d: d}
	switch d := d.(type) {
	case core.Float:
		x.log, x.lo, x.hi = d.Log, d.Low, d.High
		switch {
		case d.Log:
			x.lo, x.hi = math.Log(d.Low), math.Log(d.High)
		case d.Step > 0:
			x.lo, x.hi = d.Low-d.Step/2, d.High+d.Step/2
		}
	case core.Int:
		x.log = d.Log
		st := float64(d.StepOrOne())
		x.lo, x.hi = float64(d.Low)-st/2, float64(d.High)+st/2
		if d.Log {
			x.lo, x.hi = math.Log(float64(d.Low)-0.5), math.Log(float64(d.High)+0.5)
		}
	case core.Categorical:
		x.cat = d.Len()
	}
	return x
}

// coord returns an internal value's coordinate.
func (x dim) coord(v float64) float64 {
	if x.cat > 0 {
		return v
	}
	if x.log {
		v = math.Log(v)
	}
	if !(x.hi > x.lo) {
		return 0.5
	}
	return min(max((v-x.lo)/(x.hi-x.lo), 0), 1)
}

// value returns the legal internal value nearest to coordinate u.
func (x dim) value(u float64) float64 {
	if x.cat > 0 {
		return min(max(math.Round(u), 0), float64(x.cat-1))
	}
	t := x.lo + u*(x.hi-x.lo)
	if x.log {
		t = math.Exp(t)
	}
	switch d := x.d.(type) {
	case core.Float:
		if d.Step > 0 {
			t = d.Low + math.Round((t-d.Low)/d.Step)*d.Step
		}
		t = min(max(t, d.Low), d.High)
	case core.Int:
		st := float64(d.StepOrOne())
		t = float64(d.Low) + math.Round((t-float64(d.Low))/st)*st
		t = min(max(t, float64(d.Low)), float64(d.High))
	}
	return t
}

// discrete reports whether the parameter takes values on a grid.
func (x dim) discrete() bool {
	switch d := x.d.(type) {
	case core.Float:
		return d.Step > 0
	case core.Int:
		return true
	}
	return false
}

// spaceKey identifies a search space in AttrParams.
func spaceKey(dims []dim) string {
	h := fnv.New64a()
	for _, x := range dims {
		h.Write([]byte(strconv.Quote(x.name)))
		h.Write([]byte(core.DistributionJSON(x.d)))
	}
	return strconv.FormatUint(h.Sum64(), 16)
}

// storedTheta returns the log hyperparameters stored by the last Complete
// trial with key, if any.
func storedTheta(trials []core.Trial, key string, n int) []float64 {
	for i := len(trials) - 1; i >= 0; i-- {
		t := &trials[i]
		m, ok := t.SystemAttrs[AttrParams].(map[string]any)
		if t.State != core.Complete || !ok || m["space"] != key {
			continue
		}
		raw, ok := m["log"].([]any)
		if !ok || len(raw) != n {
			continue
		}
		theta := make([]float64, n)
		for j, v := range raw {
			if theta[j], ok = v.(float64); !ok {
				break
			}
		}
		if ok && finiteAll(theta) {
			return theta
		}
	}
	return nil
}

// point returns t's coordinates in dims, or false if it lacks one.
func point(t *core.Trial, dims []dim) ([]float64, bool) {
	x := make([]float64, len(dims))
	for i, dm := range dims {
		p, ok := t.Param(dm.name)
		if !ok || !core.Equal(p.Dist, dm.d) {
			return nil, false
		}
		x[i] = dm.coord(p.Internal)
	}
	return x, true
}

// standardize returns scores (larger is better) of values, standardized to
// mean 0 and standard deviation 1: infinities are clipped to the finite
// range and NaN counts as the worst; with no finite value, all are 0.
func standardize(vals []float64, maximize bool) []float64 {
	y := make([]float64, len(vals))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, v := range vals {
		if !maximize {
			v = -v
		}
		y[i] = v
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo > hi {
		return make([]float64, len(vals))
	}
	mean := 0.0
	for i, v := range y {
		if math.IsNaN(v) {
			v = lo
		}
		y[i] = min(max(v, lo), hi)
		mean += y[i]
	}
	mean /= float64(len(y))
	ss := 0.0
	for _, v := range y {
		ss += (v - mean) * (v - mean)
	}
	sd := math.Sqrt(ss / float64(len(y)))
	if !(sd > 1e-12*max(1, math.Abs(mean))) {
		sd = 1
	}
	for i := range y {
		y[i] = (y[i] - mean) / sd
	}
	return y
}

// SampleRelative implements sampler.Relative: the point of space that
// maximizes the log expected improvement of the fitted GP, or nothing
// (random sampling) during the startup trials and for multi-objective
// studies. It stores the fitted hyperparameters in t (AttrParams).
func (s *Sampler) SampleRelative(ctx context.Context, study core.Study, t core.Trial, space map[string]core.Distribution, _ *rand.Rand) (map[string]float64, error) {
	if len(space) == 0 || len(study.Directions()) != 1 {
		return nil, nil
	}
	trials, err := study.Trials(ctx, core.Complete, core.Running)
	if err != nil {
		return nil, err
	}
	var dims []dim
	for _, name := range slices.Sorted(maps.Keys(space)) {
		if d := space[name]; !d.Single() {
			dims = append(dims, newDim(name, d))
		}
	}
	var xs, liars [][]float64
	var vals []float64
	var complete []core.Trial
	for i := range trials {
		tr := &trials[i]
		x, ok := point(tr, dims)
		switch {
		case !ok || tr.ID == t.ID:
		case tr.State == core.Complete && len(tr.Values) > 0:
			xs, vals = append(xs, x), append(vals, tr.Values[0])
			complete = append(complete, *tr)
		case tr.State == core.Running && !s.cfg.NoLiar:
			liars = append(liars, x)
		}
	}
	if len(xs) == 0 || len(xs) < s.cfg.StartupTrials {
		return nil, nil
	}
	seed, err := s.Seed(ctx, study)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, uint64(t.Number)^0x67702d626f)) // "gp-bo"
	out := make(map[string]float64, len(space))
	for name, d := range space {
		if d.Single() {
			v, err := random.Draw(d, rng)
			if err != nil {
				return nil, err
			}
			out[name] = v
		}
	}
	if len(dims) == 0 {
		return out, nil
	}
	x, theta, err := s.propose(dims, xs, vals, liars, study.Directions()[0] == core.Maximize, storedTheta(complete, spaceKey(dims), len(dims)+2), rng)
	if errors.Is(err, ErrNotPositiveDefinite) {
		return nil, nil // numerically hopeless data: sample at random
	}
	if err != nil {
		return nil, err
	}
	if theta != nil {
		if err := study.SetTrialSystemAttr(ctx, t.ID, AttrParams, map[string]any{"space": spaceKey(dims), "log": theta}); err != nil {
			return nil, err
		}
	}
	for i, dm := range dims {
		v := dm.value(x[i])
		if !dm.d.Contains(v) {
			return nil, fmt.Errorf("gp: parameter %q: coordinate %v maps to %v, outside %v", dm.name, x[i], v, dm.d)
		}
		out[dm.name] = v
	}
	return out, nil
}

// propose returns the coordinates of the next point and the fitted log
// hyperparameters, given the observed points xs with values vals, the
// points liars being evaluated, and the log hyperparameters warm to start
// the fit from (nil for none).
//
// See coldFit for a fit with no warm start.
func (s *Sampler) propose(dims []dim, xs [][]float64, vals []float64, liars [][]float64, maximize bool, warm []float64, rng *rand.Rand) ([]float64, []float64, error) {
	d := len(dims)
	cat := make([]bool, d)
	coords := make([]coord, d)
	for i, dm := range dims {
		cat[i] = dm.cat > 0
		coords[i].choices = dm.cat
		if dm.discrete() {
			coords[i].snap = func(u float64) float64 { return dm.coord(dm.value(u)) }
		}
	}
	y := standardize(vals, maximize)

	init, iters := DefaultParams(d), coldFitIter
	if warm != nil {
		paramsOf(warm, &init)
		iters = warmFitIter
	}
	var p Params
	var err error
	if warm == nil {
		p, err = coldFit(xs, y, cat, init)
	} else {
		p, err = Fit(xs, y, cat, init, iters)
	}
	if err != nil {
		return nil, nil, err
	}
	theta := thetaOf(p)

	// The posterior: the observations and, with the constant liar, the
	// running trials at the worst value.
	bestI := 0
	for i := range y {
		if y[i] > y[bestI] {
			bestI = i
		}
	}
	px, py := xs, y
	if len(liars) > 0 {
		worst := slices.Min(y)
		px = append(slices.Clip(xs), liars...)
		py = slices.Clip(y)
		for range liars {
			py = append(py, worst)
		}
	}
	m, err := NewModel(px, py, cat, p)
	if err != nil {
		return nil, nil, err
	}
	acq := &acquisition{m: m, best: y[bestI]}

	// Local searches start from the incumbent and the best candidates;
	// the other good observations join the candidates.
	order := make([]int, len(y))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpDesc(y[a], y[b]) })
	starts := make([][]float64, 0, s.cfg.LocalSearches+1)
	for _, i := range order[:min(len(order), max(s.cfg.LocalSearches, 1))] {
		starts = append(starts, slices.Clone(xs[i]))
	}
	x := acq.maximize(coords, starts, searchSettings{candidates: s.cfg.Candidates, localSearches: s.cfg.LocalSearches, localIter: localIter}, rng)
	return x, theta, nil
}

func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// coldFit fits the hyperparameters with no earlier fit to start from. A
// step of the fit costs a Cholesky factorisation and an inverse (n^3):
// beyond coldFitMax observations it fits every k-th observation first, and
// starts the fit of all of them from there, as from a previous trial's.
func coldFit(xs [][]float64, y []float64, cat []bool, init Params) (Params, error) {
	if len(xs) > coldFitMax {
		k := (len(xs) + coldFitMax - 1) / coldFitMax
		var sx [][]float64
		var sy []float64
		for i := 0; i < len(xs); i += k {
			sx, sy = append(sx, xs[i]), append(sy, y[i])
		}
		if sub, err := Fit(sx, sy, cat, init, coldFitIter); err == nil {
			return Fit(xs, y, cat, sub, warmFitIter)
		}
	}
	return Fit(xs, y, cat, init, coldFitIter)
}
