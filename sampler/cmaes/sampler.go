package cmaes

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/random"
)

// The trial system attributes the sampler keeps.
const (
	// AttrState holds, as a JSON string, the optimizer state that a trial
	// computed when it told a generation (and restarted, maybe): the state
	// the trial was then sampled from.
	AttrState = "cma:state"
	// AttrParent holds the id of the state a trial was sampled from.
	AttrParent = "cma:parent"
	// AttrGeneration and AttrRestarts hold that state's generation and
	// restart count.
	AttrGeneration = "cma:generation"
	AttrRestarts   = "cma:n_restarts"
	// AttrX holds the raw point to tell, when it differs from the
	// parameters (discrete parameters with the margin).
	AttrX = "cma:x"
)

// Config configures a Sampler. The zero value follows Optuna 3.1's
// CmaEsSampler defaults, except that the margin is on (see NoMargin).
type Config struct {
	// Sigma0 is the initial step size, in the sampler's coordinates (the
	// log of log-scale parameters). 0 means the smallest range of the
	// search space divided by 6, as Optuna; it must not be negative.
	Sigma0 float64
	// PopSize is the population size (of the first run, with restarts).
	// 0 means 4+floor(3 ln n) for n parameters; it must be 0 or at least 2.
	PopSize int
	// StartupTrials is how many Complete trials are sampled at random
	// before CMA-ES starts. 0 means 1, as Optuna; a negative value means
	// none (CMA-ES still needs a Complete trial to know the search space).
	StartupTrials int
	// Restart is the restart strategy when a run stops (see CMA.ShouldStop
	// and Restarts.Next): "" (never: the run goes on), "ipop" or "bipop".
	Restart string
	// IncPopSize multiplies the population at each "ipop" restart and each
	// large "bipop" restart. 0 means 2; it must not be negative.
	IncPopSize int
	// Separable uses sep-CMA-ES, whose covariance is diagonal.
	Separable bool
	// NoMargin turns off the margin correction (CMA-ES with Margin) of the
	// integer and stepped parameters, which otherwise keeps each from
	// collapsing onto one value. Optuna 3.1 has it off by default
	// (with_margin=False); here it is on, since it costs nothing on
	// continuous spaces and keeps discrete parameters exploring. Log-scale
	// integers are treated as continuous either way, rounded after
	// sampling.
	NoMargin bool
	// Seed seeds the sampling. 0 means a seed derived from the study's
	// recorded seed and name (see Sampler.Seed), so that every worker
	// agrees and every run of the study is reproducible.
	Seed uint64
}

// Sampler is the CMA-ES sampler. It is safe for concurrent use and keeps no
// state of its own beyond the seeds it has read: the optimizer's state
// lives in the trials' system attributes.
//
// It samples jointly the numeric parameters that every Complete trial has
// (the intersection space less categorical and single-valued parameters),
// in sorted name order; categorical parameters, the others, the startup
// trials and multi-objective studies are sampled by random.Draw.
//
// Distributed state: like Optuna's CmaEsSampler, the trial that tells a
// generation stores the new state (JSON, AttrState) in its own system
// attributes, so that workers never write one shared record and cannot
// overwrite each other. The current state is the stored one of the highest
// restart count and generation whose search space and configuration match,
// the lowest-numbered trial winning ties; with none, the initial state,
// which every worker computes alike. Each sampled trial records the id of
// the state it was drawn from (AttrParent, a hash of the state); a state is
// told with exactly its first PopSize Complete trials (by number) drawn
// from it, so a tell never mixes points of different distributions. If two
// workers tell the same generation at once from different sets of trials,
// the trials drawn from the losing state are not told, as in Optuna; when
// they tell the same trials, their states are identical and so are their
// ids, and nothing is lost.
type Sampler struct {
	// random.Sampler samples what the sampler does not sample jointly
	// (SampleIndependent).
	random.Sampler

	cfg   Config
	seeds sampler.Seeds // by study name
}

var (
	_ sampler.Sampler  = (*Sampler)(nil)
	_ sampler.Relative = (*Sampler)(nil)
)

// New returns a CMA-ES sampler, or an error that names the field of cfg
// that is out of range.
func New(cfg Config) (*Sampler, error) {
	switch {
	case math.IsNaN(cfg.Sigma0) || math.IsInf(cfg.Sigma0, 0) || cfg.Sigma0 < 0:
		return nil, fmt.Errorf("cmaes: Sigma0 is %v; it must be positive and finite (0 means min range/6)", cfg.Sigma0)
	case cfg.PopSize < 0 || cfg.PopSize == 1:
		return nil, fmt.Errorf("cmaes: PopSize is %d; it must be at least 2 (0 means 4+floor(3 ln n))", cfg.PopSize)
	case cfg.Restart != NoRestart && cfg.Restart != IPOP && cfg.Restart != BIPOP:
		return nil, fmt.Errorf("cmaes: Restart is %q; it must be \"\", %q or %q", cfg.Restart, IPOP, BIPOP)
	case cfg.IncPopSize < 0:
		return nil, fmt.Errorf("cmaes: IncPopSize is %d; it must be positive (0 means 2)", cfg.IncPopSize)
	}
	if cfg.IncPopSize == 0 {
		cfg.IncPopSize = 2
	}
	switch {
	case cfg.StartupTrials == 0:
		cfg.StartupTrials = 1
	case cfg.StartupTrials < 0:
		cfg.StartupTrials = 0
	}
	return &Sampler{cfg: cfg}, nil
}

// Config returns the sampler's configuration, with the defaults filled in
// (StartupTrials 0 then means none).
func (s *Sampler) Config() Config { return s.cfg }

// Seed returns the sampling seed of study: Config.Seed or, when it is 0,
// one derived from the study's recorded seed (core.SeedAttr) and its name,
// or its name alone when it has none, read once per study name. Trial n
// draws from a generator seeded by this seed and n.
func (s *Sampler) Seed(ctx context.Context, study core.Study) (uint64, error) {
	return s.seeds.Get(ctx, study, s.cfg.Seed)
}

// RelativeSpace implements sampler.Relative: the numeric, not single-valued
// parameters that every Complete trial has with one distribution, or nil
// for a multi-objective study.
func (s *Sampler) RelativeSpace(ctx context.Context, study core.Study, _ core.Trial) (map[string]core.Distribution, error) {
	if len(study.Directions()) != 1 {
		return nil, nil
	}
	trials, err := study.Trials(ctx, core.Complete)
	if err != nil {
		return nil, err
	}
	space := sampler.IntersectionSpace(trials)
	for name, d := range space {
		if _, cat := d.(core.Categorical); cat || d.Single() {
			delete(space, name)
		}
	}
	return space, nil
}

// dim is one parameter in the optimizer's coordinates.
type dim struct {
	name   string
	d      core.Distribution
	log    bool
	lo, hi float64 // bounds in the optimizer's coordinates
	step   float64 // > 0: discrete under the margin
}

// problem is a search space in the optimizer's coordinates.
type problem struct {
	dims []dim
	key  string // the space and configuration, to match stored states
	base Options
}

func (s *Sampler) problem(space map[string]core.Distribution) (problem, error) {
	var p problem
	var key strings.Builder
	fmt.Fprintf(&key, "%+v|", s.cfg)
	for _, name := range slices.Sorted(maps.Keys(space)) {
		d := space[name]
		fmt.Fprintf(&key, "%q=%s;", name, core.DistributionJSON(d))
		x := dim{name: name, d: d}
		switch d := d.(type) {
		case core.Float:
			x.log = d.Log
			x.lo, x.hi = d.Low, d.High
			if d.Log {
				x.lo, x.hi = math.Log(d.Low), math.Log(d.High)
			}
			if d.Step > 0 {
				if s.cfg.NoMargin {
					x.lo, x.hi = d.Low-d.Step/2, d.High+d.Step/2
				} else {
					x.step = d.Step
				}
			}
		case core.Int:
			x.log = d.Log
			st := float64(d.StepOrOne())
			switch {
			case d.Log:
				x.lo, x.hi = math.Log(float64(d.Low)-0.5), math.Log(float64(d.High)+0.5)
			case s.cfg.NoMargin:
				x.lo, x.hi = float64(d.Low)-st/2, float64(d.High)+st/2
			default:
				x.lo, x.hi, x.step = float64(d.Low), float64(d.High), st
			}
		default:
			return p, fmt.Errorf("cmaes: parameter %q has unsupported distribution %v", name, d)
		}
		p.dims = append(p.dims, x)
	}
	n := len(p.dims)
	o := Options{
		Mean: make([]float64, n), Lower: make([]float64, n), Upper: make([]float64, n),
		PopSize: s.cfg.PopSize, Separable: s.cfg.Separable, MaxResample: 10 * n,
	}
	sigma := math.Inf(1)
	for i, x := range p.dims {
		o.Lower[i], o.Upper[i] = x.lo, x.hi
		o.Mean[i] = x.lo + (x.hi-x.lo)/2
		sigma = min(sigma, (x.hi-x.lo)/6)
		if x.step > 0 {
			if o.Steps == nil {
				o.Steps = make([]float64, n)
			}
			o.Steps[i] = x.step
		}
	}
	if s.cfg.Sigma0 > 0 {
		sigma = s.cfg.Sigma0
	}
	o.Sigma = max(sigma, 1e-10)
	p.base = o
	p.key = key.String()
	return p, nil
}

// saved is what AttrState holds.
type saved struct {
	Key      string   `json:"key"`
	Restarts Restarts `json:"restarts"`
	CMA      State    `json:"cma"`
}

// encode returns st as JSON and its id.
func (st *saved) encode() (string, string, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return "", "", fmt.Errorf("cmaes: cannot store the optimizer state: %w", err)
	}
	h := fnv.New64a()
	h.Write(b)
	return string(b), fmt.Sprintf("r%d-g%d-%016x", st.Restarts.Count, st.CMA.Generation, h.Sum64()), nil
}

func attrInt(t *core.Trial, key string) (int, bool) {
	v, ok := t.SystemAttrs[key].(float64)
	return int(v), ok
}

// current returns the current state for p (see Sampler).
func (s *Sampler) current(trials []core.Trial, p problem) (*saved, error) {
	type cand struct{ restart, gen, i int }
	var cands []cand
	for i := range trials {
		t := &trials[i]
		if _, ok := t.SystemAttrs[AttrState].(string); !ok {
			continue
		}
		r, ok1 := attrInt(t, AttrRestarts)
		g, ok2 := attrInt(t, AttrGeneration)
		if ok1 && ok2 {
			cands = append(cands, cand{r, g, i})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int {
		if a.restart != b.restart {
			return b.restart - a.restart
		}
		if a.gen != b.gen {
			return b.gen - a.gen
		}
		return trials[a.i].Number - trials[b.i].Number
	})
	for _, c := range cands {
		var st saved
		if err := json.Unmarshal([]byte(trials[c.i].SystemAttrs[AttrState].(string)), &st); err != nil || st.Key != p.key {
			continue
		}
		if _, err := FromState(st.CMA); err != nil {
			continue
		}
		return &st, nil
	}
	c, err := NewCMA(p.base)
	if err != nil {
		return nil, err
	}
	return &saved{Key: p.key, Restarts: Restarts{Strategy: s.cfg.Restart, IncPopSize: s.cfg.IncPopSize}, CMA: c.State()}, nil
}

// point returns trial t's point to tell, or false when it lacks one.
func (p problem) point(t *core.Trial, raw bool) ([]float64, bool) {
	if raw {
		v, ok := t.SystemAttrs[AttrX].([]any)
		if ok && len(v) == len(p.dims) {
			x := make([]float64, len(v))
			for i := range v {
				if x[i], ok = v[i].(float64); !ok {
					break
				}
			}
			if ok {
				return x, true
			}
		}
	}
	x := make([]float64, len(p.dims))
	for i, dm := range p.dims {
		q, ok := t.Param(dm.name)
		if !ok || !core.Equal(q.Dist, dm.d) {
			return nil, false
		}
		x[i] = q.Internal
		if dm.log {
			x[i] = math.Log(x[i])
		}
	}
	return x, true
}

// value maps x in the optimizer's coordinates to an internal value of d.
func (dm dim) value(x float64) (float64, error) {
	var v float64
	switch d := dm.d.(type) {
	case core.Float:
		switch {
		case d.Log:
			v = math.Exp(x)
		case d.Step > 0:
			v = d.Low + math.Round((x-d.Low)/d.Step)*d.Step
		default:
			v = x
		}
		v = min(max(v, d.Low), d.High)
	case core.Int:
		st := float64(d.StepOrOne())
		if d.Log {
			v = math.Round(math.Exp(x))
		} else {
			v = float64(d.Low) + math.Round((x-float64(d.Low))/st)*st
		}
		v = min(max(v, float64(d.Low)), float64(d.High))
	}
	if !dm.d.Contains(v) {
		return 0, fmt.Errorf("cmaes: parameter %q: %v maps to %v, outside %v", dm.name, x, v, dm.d)
	}
	return v, nil
}

// SampleRelative implements sampler.Relative: a point drawn by CMA-ES over
// space, or nothing (random sampling) during the startup trials. It tells
// the current state its generation when enough trials drawn from it are
// Complete, restarts it when it should stop and Config.Restart says so, and
// records what it did in t's system attributes (see Sampler).
func (s *Sampler) SampleRelative(ctx context.Context, study core.Study, t core.Trial, space map[string]core.Distribution, _ *rand.Rand) (map[string]float64, error) {
	if len(space) == 0 || len(study.Directions()) != 1 {
		return nil, nil
	}
	trials, err := study.Trials(ctx)
	if err != nil {
		return nil, err
	}
	nComplete := 0
	for i := range trials {
		if trials[i].State == core.Complete && len(trials[i].Values) > 0 {
			nComplete++
		}
	}
	if nComplete < s.cfg.StartupTrials {
		return nil, nil
	}
	p, err := s.problem(space)
	if err != nil {
		return nil, err
	}
	seed, err := s.Seed(ctx, study)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, uint64(t.Number)^0x636d612d6573)) // "cma-es"
	st, err := s.current(trials, p)
	if err != nil {
		return nil, err
	}
	_, id, err := st.encode()
	if err != nil {
		return nil, err
	}
	opt, err := FromState(st.CMA)
	if err != nil {
		return nil, err
	}
	raw := len(opt.discrete) > 0

	// Tell the generation when PopSize of its trials are Complete.
	sign := 1.0
	if study.Directions()[0] == core.Maximize {
		sign = -1
	}
	var sols []Solution
	for i := range trials {
		tr := &trials[i]
		if tr.State != core.Complete || len(tr.Values) == 0 || tr.SystemAttrs[AttrParent] != id {
			continue
		}
		x, ok := p.point(tr, raw)
		if !ok {
			continue
		}
		v := sign * tr.Values[0]
		if math.IsNaN(v) {
			v = math.Inf(1)
		}
		// Ranks are what matter; finite values keep the state JSON.
		sols = append(sols, Solution{X: x, Value: max(-math.MaxFloat64, min(v, math.MaxFloat64))})
		if len(sols) == opt.PopSize() {
			break
		}
	}
	if len(sols) == opt.PopSize() {
		if err := opt.Tell(sols); err != nil {
			return nil, err
		}
		if (s.cfg.Restart != NoRestart && opt.ShouldStop()) || !healthy(opt.State()) {
			if opt, err = st.Restarts.Next(opt, p.base, rng); err != nil {
				return nil, err
			}
		}
		st.CMA = opt.State()
		var js string
		if js, id, err = st.encode(); err != nil {
			return nil, err
		}
		if err := study.SetTrialSystemAttr(ctx, t.ID, AttrState, js); err != nil {
			return nil, err
		}
	}

	x, rawX := opt.Ask(rng)
	attrs := []struct {
		key string
		v   any
	}{{AttrParent, id}, {AttrGeneration, st.CMA.Generation}, {AttrRestarts, st.Restarts.Count}}
	if raw {
		attrs = append(attrs, struct {
			key string
			v   any
		}{AttrX, rawX})
	}
	for _, a := range attrs {
		if err := study.SetTrialSystemAttr(ctx, t.ID, a.key, a.v); err != nil {
			return nil, err
		}
	}
	out := make(map[string]float64, len(p.dims))
	for i, dm := range p.dims {
		v, err := dm.value(x[i])
		if err != nil {
			return nil, err
		}
		out[dm.name] = v
	}
	return out, nil
}

// healthy reports whether every number of s is finite.
func healthy(s State) bool {
	for _, v := range [][]float64{s.Mean, s.C, s.Pc, s.Ps, s.FunHist, s.A, {s.Sigma}} {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return false
			}
		}
	}
	return true
}
