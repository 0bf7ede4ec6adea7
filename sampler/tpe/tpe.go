package tpe

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/random"
)

// Config sets the sampler. The zero value is the default: Optuna 3.1's
// TPESampler defaults (which today's Optuna keeps, but for the kernels'
// scale; see Scaled), with the constant liar on; Optuna31 turns it off.
type Config struct {
	// StartupTrials is how many Complete or Pruned trials are sampled at
	// random before TPE starts. 0 means 10; a negative value means none.
	StartupTrials int
	// Candidates is how many candidates are drawn from l(x), the good
	// trials' estimator, of which the one with the largest l(x)/g(x)
	// wins. 0 means 24.
	Candidates int
	// Gamma is the fraction of the n trials that forms the good set, of
	// size min(ceil(Gamma n), GammaMax). 0 means 0.1; it must be in (0, 1].
	Gamma float64
	// GammaMax caps the good set's size. 0 means 25.
	GammaMax int
	// PriorWeight is the weight of the prior kernel (a normal at the
	// range's centre with sigma the range; uniform over the choices of a
	// categorical). 0 means 1.
	PriorWeight float64
	// ConsiderEndpoints lets the bounds of the range set the bandwidth of
	// the smallest and largest observations (Optuna's default: off).
	ConsiderEndpoints bool
	// NoMagicClip lowers the smallest bandwidth from range/min(100, 1+k)
	// (k kernels; Optuna's "magic clip") to 1e-12.
	NoMagicClip bool
	// Multivariate samples the parameters that every finished trial has
	// jointly, with kernels over all of them and Scott's-rule bandwidths
	// (Optuna's multivariate=True), in single-objective studies; the rest
	// on their own. Off by default, as in Optuna: on the benchmark problems
	// (bench/samplers) independent sampling did better at 200 trials on
	// most, in tune and in Optuna alike.
	Multivariate bool
	// Group, with Multivariate, splits the parameters into groups that
	// always appear together (the parameters of each branch of a
	// conditional space) and samples each group jointly, with the trials
	// that have it (Optuna's group=True); without it, only the parameters
	// that every trial has are sampled jointly.
	Group bool
	// Scaled makes each truncated normal kernel a density (with its
	// 1/sigma), as Optuna does since it fixed its truncated normal. By
	// default, as in Optuna 3.1, the kernels leave it out, so that a wide
	// kernel (the prior, or an observation in a sparse region) weighs more
	// than a narrow one of the same weight: on the benchmark problems that
	// did better on most (bench/README.md).
	Scaled bool
	// NoConstantLiar leaves running trials out. By default they count as
	// the worst trials, so that parallel workers do not all propose the
	// same point (Optuna's constant_liar=True; with one worker it changes
	// nothing).
	NoConstantLiar bool
}

// Optuna31 returns the configuration of Optuna 3.1's default TPESampler:
// the default without the constant liar.
func Optuna31() Config { return Config{NoConstantLiar: true} }

// Sampler is the TPE sampler. It keeps no state between calls and is safe
// for concurrent use.
type Sampler struct {
	cfg     Config // resolved: no zero values left
	startup int
	p       params

	// seen keeps the observations made from the study's finished trials,
	// which tune hands out as the same slice until one more finishes: the
	// parameters of the trials sampled meanwhile share them.
	mu     sync.Mutex
	seen   map[seenKey]*observations
	spaces map[string]*intersection // by study name
}

type seenKey struct {
	first *core.Trial // the first of the study's trials: the slice's identity
	n     int
}

var (
	_ sampler.Sampler  = (*Sampler)(nil)
	_ sampler.Relative = (*Sampler)(nil)
)

// New returns a TPE sampler, or an error that names the field of cfg that
// is out of range.
func New(cfg Config) (*Sampler, error) {
	switch {
	case cfg.Candidates < 0:
		return nil, fmt.Errorf("tpe: Candidates is %d; it must be positive (0 means 24)", cfg.Candidates)
	case math.IsNaN(cfg.Gamma) || cfg.Gamma < 0 || cfg.Gamma > 1:
		return nil, fmt.Errorf("tpe: Gamma is %v; it must be in (0, 1] (0 means 0.1)", cfg.Gamma)
	case cfg.GammaMax < 0:
		return nil, fmt.Errorf("tpe: GammaMax is %d; it must be positive (0 means 25)", cfg.GammaMax)
	case cfg.Group && !cfg.Multivariate:
		return nil, fmt.Errorf("tpe: Group needs Multivariate")
	case math.IsNaN(cfg.PriorWeight) || math.IsInf(cfg.PriorWeight, 0) || cfg.PriorWeight < 0:
		return nil, fmt.Errorf("tpe: PriorWeight is %v; it must be positive and finite (0 means 1)", cfg.PriorWeight)
	}
	s := &Sampler{cfg: cfg}
	switch {
	case cfg.StartupTrials == 0:
		s.startup = 10
	case cfg.StartupTrials > 0:
		s.startup = cfg.StartupTrials
	}
	if s.cfg.Candidates == 0 {
		s.cfg.Candidates = 24
	}
	if s.cfg.Gamma == 0 {
		s.cfg.Gamma = 0.1
	}
	if s.cfg.GammaMax == 0 {
		s.cfg.GammaMax = 25
	}
	if s.cfg.PriorWeight == 0 {
		s.cfg.PriorWeight = 1
	}
	s.p = params{priorWeight: s.cfg.PriorWeight, magicClip: !cfg.NoMagicClip, endpoints: cfg.ConsiderEndpoints, unscaled: !cfg.Scaled}
	return s, nil
}

// Config returns the sampler's configuration, with the defaults filled in.
func (s *Sampler) Config() Config {
	c := s.cfg
	c.StartupTrials = s.startup
	if s.startup == 0 {
		c.StartupTrials = -1
	}
	return c
}

// gamma is the size of the good set of n trials.
func (s *Sampler) gamma(n int) int {
	return min(int(math.Ceil(s.cfg.Gamma*float64(n))), s.cfg.GammaMax)
}

// score ranks a trial: lower is better, by step first (a Complete trial's
// is -Inf, a Pruned one's minus its deepest step, a Running one's +Inf),
// then by value (signed so that lower is better).
type score struct {
	step, value float64
	// vals are a Complete trial's values, signed so that lower is better,
	// in a study of several objectives (nil otherwise).
	vals []float64
}

func (a score) less(b score) bool {
	return a.step < b.step || a.step == b.step && a.value < b.value
}

// observations are the trials the estimators learn from, in number order.
type observations struct {
	trials []*core.Trial
	scores []score
	n      int // the Complete and Pruned ones

	multi        bool
	once         sync.Once
	below, above []int     // split(scores, gamma(n))
	weights      []float64 // of below, with several objectives
}

// split returns the observations' good and other indices and, with several
// objectives, the good ones' weights (computed once).
func (o *observations) split(nBelow int) ([]int, []int, []float64) {
	o.once.Do(func() {
		if o.multi {
			o.below, o.above = splitMulti(o.scores, nBelow)
			o.weights = weightsMulti(o.scores, o.below)
			return
		}
		o.below, o.above = split(o.scores, nBelow)
	})
	return o.below, o.above, o.weights
}

// observe reads the study's trials as Optuna's TPE does: Complete trials
// by their value; Pruned ones by their deepest step and the value there
// (single objective only); Running ones, with the constant liar, as the
// worst. The trial being sampled is left out.
func (s *Sampler) observe(ctx context.Context, study core.Study, self core.Trial) (*observations, error) {
	multi := len(study.Directions()) > 1
	done, err := study.Trials(ctx, core.Complete, core.Pruned)
	if err != nil {
		return nil, err
	}
	o := s.finished(study, done)
	if s.cfg.NoConstantLiar || multi {
		return o, nil
	}
	running, err := study.Trials(ctx, core.Running)
	if err != nil {
		return nil, err
	}
	var liars []*core.Trial
	for i := range running {
		if t := &running[i]; t.ID != self.ID || t.Number != self.Number {
			liars = append(liars, t)
		}
	}
	if len(liars) == 0 {
		return o, nil
	}
	// The running trials, merged in number order with the finished ones.
	m := &observations{n: o.n, trials: make([]*core.Trial, 0, len(o.trials)+len(liars)),
		scores: make([]score, 0, len(o.trials)+len(liars))}
	lie := score{step: math.Inf(1), value: math.Inf(1)}
	i := 0
	for _, r := range liars {
		for ; i < len(o.trials) && o.trials[i].Number < r.Number; i++ {
			m.trials, m.scores = append(m.trials, o.trials[i]), append(m.scores, o.scores[i])
		}
		m.trials, m.scores = append(m.trials, r), append(m.scores, lie)
	}
	m.trials, m.scores = append(m.trials, o.trials[i:]...), append(m.scores, o.scores[i:]...)
	return m, nil
}

// finished returns the observations of the study's Complete and Pruned
// trials (done), kept while tune hands out the same slice of them: until a
// trial finishes, the parameters of the trials sampled meanwhile share them.
func (s *Sampler) finished(study core.Study, done []core.Trial) *observations {
	var key seenKey
	if len(done) > 0 {
		key = seenKey{&done[0], len(done)}
		s.mu.Lock()
		o := s.seen[key]
		s.mu.Unlock()
		if o != nil {
			return o
		}
	}
	multi := len(study.Directions()) > 1
	sign := 1.0
	if study.Directions()[0] == core.Maximize {
		sign = -1
	}
	o := &observations{trials: make([]*core.Trial, 0, len(done)), scores: make([]score, 0, len(done)), multi: multi}
	for i := range done {
		t := &done[i]
		var sc score
		switch t.State {
		case core.Complete:
			if len(t.Values) == 0 {
				continue
			}
			sc = score{step: math.Inf(-1), value: sign * t.Values[0]}
			if multi {
				sc.vals = make([]float64, len(t.Values))
				for k, v := range t.Values {
					sc.vals[k] = v
					if study.Directions()[k] == core.Maximize {
						sc.vals[k] = -v
					}
				}
			}
		case core.Pruned:
			if multi {
				continue
			}
			if last, ok := t.LastStep(); ok {
				v := sign * last.Value
				if math.IsNaN(last.Value) {
					v = math.Inf(1)
				}
				sc = score{step: -float64(last.Step), value: v}
			} else {
				sc = score{step: 1}
			}
		default:
			continue
		}
		o.n++
		o.trials = append(o.trials, t)
		o.scores = append(o.scores, sc)
	}
	if key.first != nil {
		s.mu.Lock()
		if len(s.seen) >= 16 { // stale ones: start afresh
			clear(s.seen)
		}
		if s.seen == nil {
			s.seen = make(map[seenKey]*observations)
		}
		s.seen[key] = o
		s.mu.Unlock()
	}
	return o
}

// split returns the indices of the good and the other observations, each
// in number order: the good are the nBelow best by score (ties to the
// older). It keeps the best nBelow in a sorted list as it goes, which costs
// O(n nBelow) at worst and about O(n) in practice (nBelow is at most 25 by
// default), instead of sorting them all.
func split(scores []score, nBelow int) (below, above []int) {
	nBelow = min(nBelow, len(scores))
	best := make([]int, 0, nBelow+1)
	for i := range scores {
		if len(best) == nBelow && (nBelow == 0 || !scores[i].less(scores[best[nBelow-1]])) {
			continue
		}
		// Insert after the last that is no worse (older ones win ties).
		j := len(best)
		for j > 0 && scores[i].less(scores[best[j-1]]) {
			j--
		}
		best = slices.Insert(best, j, i)
		if len(best) > nBelow {
			best = best[:nBelow]
		}
	}
	below = slices.Clone(best)
	slices.Sort(below)
	above = make([]int, 0, len(scores)-nBelow)
	k := 0
	for i := range scores {
		if k < len(below) && below[k] == i {
			k++
			continue
		}
		above = append(above, i)
	}
	return below, above
}

// values gathers the internal values of the parameters in space (names in
// order) of the observations at idx that have all of them with the same
// kind of distribution, as obs[d][i], and, if weights (of idx) are given,
// the weights of those kept.
func values(o *observations, idx []int, names []string, dims []dim, weights []float64) ([][]float64, int, []float64) {
	obs := make([][]float64, len(names))
	for d := range obs {
		obs[d] = make([]float64, 0, len(idx))
	}
	var kept []float64
	n := 0
	hint := make([]int, len(names)) // where the name was in the last trial
	xs := make([]float64, len(names))
next:
	for k, i := range idx {
		t := o.trials[i]
		for d, name := range names {
			j := hint[d]
			if j >= len(t.Params) || t.Params[j].Name != name {
				if j = slices.IndexFunc(t.Params, func(p core.Param) bool { return p.Name == name }); j < 0 {
					continue next
				}
				hint[d] = j
			}
			p := &t.Params[j]
			if !compatible(p.Dist, &dims[d]) || !inRange(p.Internal, dims[d]) {
				continue next
			}
			xs[d] = p.Internal
		}
		for d := range names {
			obs[d] = append(obs[d], xs[d])
		}
		if weights != nil {
			kept = append(kept, weights[k])
		}
		n++
	}
	return obs, n, kept
}

// compatible reports whether an observation's distribution is compatible
// with the current one (core.CheckCompatible), without its error.
func compatible(d core.Distribution, cur *dim) bool {
	switch a := d.(type) {
	case core.Float:
		b, ok := cur.dist.(core.Float)
		return ok && a.Log == b.Log
	case core.Int:
		b, ok := cur.dist.(core.Int)
		return ok && a.Log == b.Log
	}
	return core.CheckCompatible(d, cur.dist) == nil
}

// inRange reports whether an observed value fits the current distribution
// (a range may change between trials; a kernel outside it is dropped, and a
// categorical index must exist).
func inRange(x float64, d dim) bool {
	if d.choices > 0 {
		return x >= 0 && int(x) < d.choices
	}
	switch dist := d.dist.(type) {
	case core.Float:
		return x >= dist.Low && x <= dist.High
	case core.Int:
		return x >= float64(dist.Low) && x <= float64(dist.High)
	}
	return false
}

// suggest fits the estimators for the parameters names (with dims) and
// returns the winning candidate's values, or nil before the startup trials
// are done.
func (s *Sampler) suggest(o *observations, names []string, dims []dim, multivariate bool, rng *rand.Rand) map[string]float64 {
	if o.n < s.startup {
		return nil
	}
	belowIdx, aboveIdx, wBelow := o.split(s.gamma(o.n))
	below, nb, wb := values(o, belowIdx, names, dims, wBelow)
	above, na, _ := values(o, aboveIdx, names, dims, nil)
	p := s.p
	p.multivariate = multivariate
	scL, scG := getScratch(), getScratch()
	defer scL.release()
	defer scG.release()
	l := newEstimatorIn(scL, dims, below, nb, p, wb)
	g := newEstimatorIn(scG, dims, above, na, p, nil)
	cands := l.sample(rng, s.cfg.Candidates)
	ll, lg := l.logPDF(cands), g.logPDF(cands)
	best := 0
	for j := range ll {
		if ll[j]-lg[j] > ll[best]-lg[best] {
			best = j
		}
	}
	out := make(map[string]float64, len(names))
	for d, name := range names {
		out[name] = cands[d][best]
	}
	return out
}

// SampleIndependent implements sampler.Sampler: TPE over this parameter
// alone, or a random value during the startup trials.
func (s *Sampler) SampleIndependent(ctx context.Context, study core.Study, t core.Trial, name string, d core.Distribution, rng *rand.Rand) (float64, error) {
	if d.Single() {
		return random.Draw(d, rng)
	}
	o, err := s.observe(ctx, study, t)
	if err != nil {
		return 0, err
	}
	x := s.suggest(o, []string{name}, []dim{newDim(d)}, false, rng)
	if x == nil {
		return random.Draw(d, rng)
	}
	return x[name], nil
}

// RelativeSpace implements sampler.Relative: in multivariate mode, the
// parameters that every Complete or Pruned trial has with one
// distribution (single-objective studies only).
func (s *Sampler) RelativeSpace(ctx context.Context, study core.Study, _ core.Trial) (map[string]core.Distribution, error) {
	if !s.cfg.Multivariate || len(study.Directions()) > 1 {
		return nil, nil
	}
	trials, err := study.Trials(ctx, core.Complete, core.Pruned)
	if err != nil || len(trials) == 0 {
		return nil, err
	}
	// Finished trials never change, and an intersection does not depend on
	// the order of its terms: the space is kept per study and narrowed by
	// the trials not seen before.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spaces == nil {
		s.spaces = make(map[string]*intersection)
	}
	in := s.spaces[study.Name()]
	if in != nil && len(trials) < len(in.seen) {
		in = nil // fewer trials than seen: another study of the same name
	}
	if in == nil {
		in = &intersection{seen: make(map[int64]bool)}
		s.spaces[study.Name()] = in
	}
	var fresh []core.Trial
	for i := range trials {
		if !in.seen[trials[i].ID] {
			in.seen[trials[i].ID] = true
			fresh = append(fresh, trials[i])
		}
	}
	if len(fresh) > 0 {
		sp := sampler.IntersectionSpaceOf(fresh, core.Complete, core.Pruned)
		if in.space == nil {
			in.space = sp
		} else {
			for name, d := range in.space {
				if e, ok := sp[name]; !ok || !core.Equal(e, d) {
					delete(in.space, name)
				}
			}
		}
		for i := range fresh {
			in.refine(&fresh[i])
		}
	}
	if !s.cfg.Group {
		return maps.Clone(in.space), nil
	}
	space := map[string]core.Distribution{}
	for _, g := range in.groups {
		for name, d := range g {
			if !d.Single() {
				space[name] = d
			}
		}
	}
	return space, nil
}

// intersection is a study's relative space, as of the trials seen: the
// parameters that all have, and (for Group) the groups of parameters that
// always appear together.
type intersection struct {
	seen   map[int64]bool // trial IDs
	space  map[string]core.Distribution
	groups []map[string]core.Distribution
}

// refine splits the groups by the parameters of t (Optuna's group
// decomposition): each group becomes its part that t has and its part that
// t has not, and t's parameters that no group has form a new group. The
// result does not depend on the order of the trials. A parameter keeps the
// distribution it was first seen with.
func (in *intersection) refine(t *core.Trial) {
	has := make(map[string]core.Distribution, len(t.Params))
	for _, p := range t.Params {
		has[p.Name] = p.Dist
	}
	var next []map[string]core.Distribution
	for _, g := range in.groups {
		with, without := map[string]core.Distribution{}, map[string]core.Distribution{}
		for name, d := range g {
			if _, ok := has[name]; ok {
				with[name] = d
				delete(has, name)
			} else {
				without[name] = d
			}
		}
		for _, part := range []map[string]core.Distribution{with, without} {
			if len(part) > 0 {
				next = append(next, part)
			}
		}
	}
	if len(has) > 0 {
		next = append(next, has)
	}
	in.groups = next
}

// groups returns copies of the study's groups, for Group mode.
func (s *Sampler) groups(name string) []map[string]core.Distribution {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.spaces[name]
	if in == nil {
		return nil
	}
	out := make([]map[string]core.Distribution, len(in.groups))
	for i, g := range in.groups {
		out[i] = maps.Clone(g)
	}
	return out
}

// SampleRelative implements sampler.Relative: TPE with joint kernels over
// space, or nothing (each parameter is then sampled independently, at
// random) before the startup trials are done.
func (s *Sampler) SampleRelative(ctx context.Context, study core.Study, t core.Trial, space map[string]core.Distribution, rng *rand.Rand) (map[string]float64, error) {
	if len(space) == 0 {
		return nil, nil
	}
	for name, d := range space {
		if d.Single() {
			return nil, fmt.Errorf("tpe: relative space with the single-valued %s", name)
		}
	}
	o, err := s.observe(ctx, study, t)
	if err != nil {
		return nil, err
	}
	parts := []map[string]core.Distribution{space}
	if s.cfg.Group {
		parts = s.groups(study.Name())
	}
	out := map[string]float64{}
	for _, part := range parts {
		var names []string
		for _, name := range slices.Sorted(maps.Keys(part)) {
			if d, ok := space[name]; ok && core.Equal(d, part[name]) {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			continue
		}
		dims := make([]dim, len(names))
		for i, name := range names {
			dims[i] = newDim(space[name])
		}
		maps.Copy(out, s.suggest(o, names, dims, true, rng))
	}
	return out, nil
}
