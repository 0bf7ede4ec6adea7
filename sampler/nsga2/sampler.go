package nsga2

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/random"
)

// The trial system attributes the sampler reads and keeps.
const (
	// AttrGeneration holds the generation of a trial (0, 1, ...), set
	// when it starts (Optuna's key).
	AttrGeneration = "nsga2:generation"
	// AttrParents holds the numbers of the trials that a child of the
	// second or a later generation was bred from.
	AttrParents = "nsga2:parents"
	// AttrConstraints holds a trial's constraint values, a list of
	// numbers: the trial is feasible when none is positive (Optuna's key).
	AttrConstraints = "constraints"
)

// Never is the value of a probability field of Config that means
// probability 0, since 0 means the default.
const Never = -1.0

// Config configures a Sampler. The zero value follows Optuna 3.1's
// NSGAIISampler defaults.
type Config struct {
	// PopulationSize is the number of trials of a generation. 0 means 50;
	// it must be at least 2 and at least the number of parents the
	// crossover needs.
	PopulationSize int
	// MutationProb is the probability that a child's parameter is drawn
	// afresh at random instead of taken from the crossover. 0 means 1/n
	// for n parameters sampled jointly; Never means no mutation; it must
	// lie in [0, 1].
	MutationProb float64
	// Crossover names the crossover of numeric parameters: "uniform",
	// "blxalpha", "sbx", "vsbx", "undx" or "spx". "" means "uniform".
	// Categorical parameters always take uniform crossover.
	Crossover string
	// CrossoverProb is the probability that a child is bred by crossover;
	// otherwise it copies one parent drawn at random from the parent
	// population. 0 means 0.9; Never means never; it must lie in [0, 1].
	CrossoverProb float64
	// SwappingProb is the probability, in uniform crossover (and the
	// crossover of categorical parameters), that a parameter is taken
	// from the first parent rather than the last. 0 means 0.5; Never means
	// never; it must lie in [0, 1].
	SwappingProb float64
	// Alpha widens the parents' interval in "blxalpha". 0 means 0.5; it
	// must not be negative.
	Alpha float64
	// Eta is the distribution index of "sbx" and "vsbx": the larger, the
	// closer children stay to their parents. 0 means 20 for a study with
	// several objectives, 2 for one; it must not be negative.
	Eta float64
	// SigmaXi and SigmaEta scale the steps of "undx" along and across the
	// parents' line. 0 means 0.5 and 0.35/√n for n numeric parameters;
	// they must not be negative.
	SigmaXi, SigmaEta float64
	// Epsilon is the expansion rate of "spx". 0 means √(n+2) for n numeric
	// parameters; it must not be negative.
	Epsilon float64
	// Seed seeds the breeding. 0 means a seed derived from the study's
	// recorded seed and name (see sampler.StudySeed), so that every worker
	// agrees and every run of the study is reproducible.
	Seed uint64
	// ConstraintsFunc, when not nil, returns the constraint values of a
	// trial that ends Complete or Pruned: the sampler stores them in the
	// trial's system attribute AttrConstraints (as Optuna's
	// constraints_func). It is given the trial with its final state and
	// values, and its user attributes, where an objective can leave what
	// the constraints need (tune's Trial.SetUserAttr). It must not return
	// NaN or infinite values. A function is no data: it is left out of the
	// JSON form of Config, and the sampler reads AttrConstraints whatever
	// set it (so workers without the function still agree).
	ConstraintsFunc func(core.Trial) []float64 `json:"-"`
}

// Sampler is the NSGA-II sampler. It is safe for concurrent use and keeps
// no state of its own beyond caches: what it knows of a study is in the
// trials' system attributes.
//
// It samples jointly the parameters that every Complete trial has with one
// distribution (the intersection space, less single-valued parameters);
// the others are drawn by random.Draw.
//
// Generations, as in Optuna 3.1: a trial that starts when generations 0 to
// g-1 each have at least PopulationSize Complete trials, and generation g
// does not, belongs to generation g (AttrGeneration, set by BeforeTrial).
// The parent population of generation g is the elite of the Complete
// trials of generation g-1 and the parent population of generation g-1
// (that of generation 1, of generation 0 alone): the best PopulationSize
// by non-dominated rank under constrained domination, ties in the last
// rank broken by crowding distance, in Optuna's order (checked against
// Optuna 3.1 in testdata). It is a function of the stored trials alone,
// which every worker computes alike and this sampler caches; unlike
// Optuna, it is not stored in the study. With several workers a generation may get more than
// PopulationSize trials, all of which take part in the selection once they
// are Complete.
//
// Breeding: a child of generation g ≥ 1 is, with probability
// CrossoverProb, the crossover of parents drawn by binary tournament under
// constrained domination from the parent population (each parent distinct),
// and otherwise a copy of one member; each of its parameters is then, with
// probability MutationProb, drawn afresh by random.Draw. Numeric parameters
// cross over in Optuna's transformed space: the log of log-scale ones,
// stepped and integer ones widened by half a step at each end and rounded
// back. A child outside a continuous parameter's range is bred again from
// new parents, as in Optuna (which rejects only values below the low
// bound, and clamps those above the high one just below it); after 100
// tries its values are clamped into range. The parents' numbers are stored
// in AttrParents.
type Sampler struct {
	// random.Sampler samples what the sampler does not sample jointly
	// (SampleIndependent).
	random.Sampler

	cfg   Config
	seeds sampler.Seeds // by study name
	mu    sync.Mutex
	elite map[[16]byte][]int // selection key -> numbers of the elite
}

var (
	_ sampler.Sampler       = (*Sampler)(nil)
	_ sampler.Relative      = (*Sampler)(nil)
	_ sampler.BeforeTrialer = (*Sampler)(nil)
	_ sampler.AfterTrialer  = (*Sampler)(nil)
)

// New returns an NSGA-II sampler, or an error that names the field of cfg
// that is out of range.
func New(cfg Config) (*Sampler, error) {
	if cfg.Crossover == "" {
		cfg.Crossover = Uniform
	}
	if cfg.PopulationSize == 0 {
		cfg.PopulationSize = 50
	}
	np := parentsOf(cfg.Crossover)
	if np == 0 {
		return nil, fmt.Errorf("nsga2: Crossover is %q; it must be %q, %q, %q, %q, %q or %q",
			cfg.Crossover, Uniform, BLXAlpha, SBX, VSBX, UNDX, SPX)
	}
	if cfg.PopulationSize < 2 || cfg.PopulationSize < np {
		return nil, fmt.Errorf("nsga2: PopulationSize is %d; it must be at least 2 and at least the %d parents of crossover %q (0 means 50)",
			cfg.PopulationSize, np, cfg.Crossover)
	}
	for _, f := range []struct {
		name string
		p    *float64
		def  float64
	}{{"MutationProb", &cfg.MutationProb, 0}, {"CrossoverProb", &cfg.CrossoverProb, 0.9}, {"SwappingProb", &cfg.SwappingProb, 0.5}} {
		if *f.p != Never && !(0 <= *f.p && *f.p <= 1) {
			return nil, fmt.Errorf("nsga2: %s is %v; it must lie in [0, 1], or be Never (0 means the default)", f.name, *f.p)
		}
		if *f.p == 0 {
			*f.p = f.def
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"Alpha", cfg.Alpha}, {"Eta", cfg.Eta}, {"SigmaXi", cfg.SigmaXi}, {"SigmaEta", cfg.SigmaEta}, {"Epsilon", cfg.Epsilon}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return nil, fmt.Errorf("nsga2: %s is %v; it must be positive and finite (0 means the default)", f.name, f.v)
		}
	}
	if cfg.Alpha == 0 {
		cfg.Alpha = 0.5
	}
	if cfg.SigmaXi == 0 {
		cfg.SigmaXi = 0.5
	}
	return &Sampler{cfg: cfg, elite: map[[16]byte][]int{}}, nil
}

// Config returns the sampler's configuration, with the defaults filled in
// where they do not depend on the study (MutationProb, Eta, SigmaEta and
// Epsilon stay 0 when they do).
func (s *Sampler) Config() Config { return s.cfg }

// Seed returns the breeding seed of study: Config.Seed or, when it is 0,
// sampler.StudySeed's. Trial n breeds from a generator seeded by this seed
// and n.
func (s *Sampler) Seed(ctx context.Context, study core.Study) (uint64, error) {
	return s.seeds.Get(ctx, study, s.cfg.Seed)
}

// RelativeSpace implements sampler.Relative: the parameters that every
// Complete trial has with one distribution, less single-valued ones.
func (s *Sampler) RelativeSpace(ctx context.Context, study core.Study, _ core.Trial) (map[string]core.Distribution, error) {
	trials, err := study.Trials(ctx, core.Complete)
	if err != nil {
		return nil, err
	}
	return sampler.IntersectionSpace(trials), nil
}

// BeforeTrial implements sampler.BeforeTrialer: it records t's generation
// in AttrGeneration, unless t has one.
func (s *Sampler) BeforeTrial(ctx context.Context, study core.Study, t core.Trial) error {
	if _, ok := generation(&t); ok {
		return nil
	}
	trials, err := study.Trials(ctx)
	if err != nil {
		return err
	}
	return study.SetTrialSystemAttr(ctx, t.ID, AttrGeneration, s.currentGeneration(trials, len(study.Directions())))
}

// AfterTrial implements sampler.AfterTrialer: with Config.ConstraintsFunc,
// it stores the constraint values of a trial that ends Complete or Pruned.
func (s *Sampler) AfterTrial(ctx context.Context, study core.Study, t core.Trial, state core.State, values []float64) error {
	if s.cfg.ConstraintsFunc == nil || (state != core.Complete && state != core.Pruned) {
		return nil
	}
	t.State, t.Values = state, values
	cons := s.cfg.ConstraintsFunc(t)
	for i, c := range cons {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return fmt.Errorf("nsga2: trial %d: constraint %d is %v; it must be finite", t.Number, i, c)
		}
	}
	if cons == nil {
		cons = []float64{}
	}
	return study.SetTrialSystemAttr(ctx, t.ID, AttrConstraints, cons)
}

// generation returns t's generation, if it has one.
func generation(t *core.Trial) (int, bool) {
	g, ok := t.SystemAttrs[AttrGeneration].(float64)
	return int(g), ok && g >= 0 && g == math.Trunc(g)
}

// byGeneration returns the Complete trials of each generation that have
// one value per objective.
func byGeneration(trials []core.Trial, nobj int) map[int][]*core.Trial {
	gens := map[int][]*core.Trial{}
	for i := range trials {
		t := &trials[i]
		if t.State != core.Complete || len(t.Values) != nobj {
			continue
		}
		if g, ok := generation(t); ok {
			gens[g] = append(gens[g], t)
		}
	}
	return gens
}

// currentGeneration returns the generation of a trial that starts now: the
// first whose predecessors all have PopulationSize Complete trials.
func (s *Sampler) currentGeneration(trials []core.Trial, nobj int) int {
	gens := byGeneration(trials, nobj)
	g := 0
	for len(gens[g]) >= s.cfg.PopulationSize {
		g++
	}
	return g
}

// toMember returns t as selection sees it.
func toMember(t *core.Trial, dirs []core.Direction) *member {
	m := &member{number: t.Number, values: make([]float64, len(dirs)), raw: t.Values}
	for i, d := range dirs {
		m.values[i] = t.Values[i]
		if d == core.Maximize {
			m.values[i] = -m.values[i]
		}
	}
	if raw, ok := t.SystemAttrs[AttrConstraints].([]any); ok {
		m.cons = make([]float64, 0, len(raw))
		for _, v := range raw {
			if f, ok := v.(float64); ok {
				m.cons = append(m.cons, f)
			}
		}
	}
	return m
}

// population returns the parent population of generation g ≥ 1 (see
// Sampler), or fewer members when generation g-1 or one before it has
// fewer than PopulationSize Complete trials.
func (s *Sampler) population(trials []core.Trial, dirs []core.Direction, g int) []*member {
	gens := byGeneration(trials, len(dirs))
	var parents []*member
	for k := 0; k < g; k++ {
		if len(gens[k]) < s.cfg.PopulationSize {
			break
		}
		cand := make([]*member, 0, len(gens[k])+len(parents))
		for _, t := range gens[k] {
			cand = append(cand, toMember(t, dirs))
		}
		cand = append(cand, parents...)
		parents = s.selectCached(k, cand)
	}
	return parents
}

// selectCached is selectElite(cand, PopulationSize), memoised by a hash of
// everything the selection depends on.
func (s *Sampler) selectCached(k int, cand []*member) []*member {
	h := fnv.New128a()
	var buf [8]byte
	put := func(x uint64) { binary.LittleEndian.PutUint64(buf[:], x); h.Write(buf[:]) }
	put(uint64(k))
	for _, m := range cand {
		put(uint64(m.number))
		put(uint64(len(m.values)))
		for i, v := range m.raw {
			put(math.Float64bits(v))
			put(math.Float64bits(m.values[i]))
		}
		if m.cons == nil {
			put(math.MaxUint64)
		} else {
			put(uint64(len(m.cons)))
		}
		for _, v := range m.cons {
			put(math.Float64bits(v))
		}
	}
	var key [16]byte
	h.Sum(key[:0])
	s.mu.Lock()
	nums, ok := s.elite[key]
	s.mu.Unlock()
	index := make(map[int]*member, len(cand))
	for _, m := range cand {
		index[m.number] = m
	}
	if !ok {
		// selectElite reorders its argument: keep cand in its order.
		elite := selectElite(slices.Clone(cand), s.cfg.PopulationSize)
		nums = make([]int, len(elite))
		for i, m := range elite {
			nums[i] = m.number
		}
		s.mu.Lock()
		if len(s.elite) >= 1<<14 {
			clear(s.elite)
		}
		s.elite[key] = nums
		s.mu.Unlock()
	}
	out := make([]*member, len(nums))
	for i, n := range nums {
		out[i] = index[n]
	}
	return out
}

// coord is one numeric parameter in the crossover's space.
type coord struct {
	name       string
	d          core.Distribution
	log        bool
	lo, hi     float64 // bounds in the crossover's space
	continuous bool    // a child outside [lo, hi] is rejected, not clamped
}

func newCoord(name string, d core.Distribution) (coord, bool) {
	c := coord{name: name, d: d}
	switch d := d.(type) {
	case core.Float:
		c.log, c.lo, c.hi, c.continuous = d.Log, d.Low, d.High, d.Step == 0
		if d.Log {
			c.lo, c.hi = math.Log(d.Low), math.Log(d.High)
		}
		if d.Step > 0 {
			c.lo, c.hi = d.Low-d.Step/2, d.High+d.Step/2
		}
	case core.Int:
		c.log = d.Log
		st := float64(d.StepOrOne())
		c.lo, c.hi = float64(d.Low)-st/2, float64(d.High)+st/2
		if d.Log {
			c.lo, c.hi = math.Log(float64(d.Low)-0.5), math.Log(float64(d.High)+0.5)
		}
	default:
		return c, false
	}
	return c, true
}

// to maps an internal value to the crossover's space.
func (c coord) to(v float64) float64 {
	if c.log {
		return math.Log(v)
	}
	return v
}

// from maps x in the crossover's space back to a legal internal value, or
// returns false for a continuous parameter's x out of bounds (or NaN).
func (c coord) from(x float64) (float64, bool) {
	if math.IsNaN(x) || c.continuous && (x < c.lo || x > c.hi) {
		return 0, false
	}
	var v float64
	switch d := c.d.(type) {
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
		if d.Log {
			v = math.Round(math.Exp(x))
		} else {
			st := float64(d.StepOrOne())
			v = float64(d.Low) + math.Round((x-float64(d.Low))/st)*st
		}
		v = min(max(v, float64(d.Low)), float64(d.High))
	}
	return v, c.d.Contains(v)
}

// maxTries is how many children are bred before one is clamped into range.
const maxTries = 100

// SampleRelative implements sampler.Relative: a random point for the first
// generation, a bred and mutated child for later ones (see Sampler).
func (s *Sampler) SampleRelative(ctx context.Context, study core.Study, t core.Trial, space map[string]core.Distribution, rng *rand.Rand) (map[string]float64, error) {
	if len(space) == 0 {
		return nil, nil
	}
	names := slices.Sorted(maps.Keys(space))
	trials, err := study.Trials(ctx)
	if err != nil {
		return nil, err
	}
	dirs := study.Directions()
	g, ok := generation(&t)
	if !ok {
		g = s.currentGeneration(trials, len(dirs))
	}
	np := parentsOf(s.cfg.Crossover)
	var pop []*member
	if g > 0 {
		pop = s.population(trials, dirs, g)
	}
	out := make(map[string]float64, len(space))
	if len(pop) < np {
		// The first generation, or parents missing: random sampling.
		for _, name := range names {
			if out[name], err = random.Draw(space[name], rng); err != nil {
				return nil, err
			}
		}
		return out, nil
	}

	seed, err := s.Seed(ctx, study)
	if err != nil {
		return nil, err
	}
	brng := rand.New(rand.NewPCG(seed, uint64(t.Number)^0x6e736761322d6969)) // "nsga2-ii"
	byNumber := make(map[int]*core.Trial, len(trials))
	for i := range trials {
		byNumber[trials[i].Number] = &trials[i]
	}
	// A parent that lacks a parameter of space (it cannot, unless trials
	// finished between RelativeSpace and now) gives a random value.
	value := func(m *member, name string) (float64, bool) {
		p, ok := byNumber[m.number].Param(name)
		if !ok || !core.Equal(p.Dist, space[name]) {
			return 0, false
		}
		return p.Internal, true
	}

	var parents []*member
	if brng.Float64() < s.cfg.CrossoverProb {
		parents = s.breed(pop, np, names, space, value, out, len(dirs), brng)
	} else {
		p := pop[brng.IntN(len(pop))]
		parents = []*member{p}
		for _, name := range names {
			if v, ok := value(p, name); ok {
				out[name] = v
			}
		}
	}

	mut := s.cfg.MutationProb
	if mut == 0 {
		mut = 1 / float64(len(names))
	}
	for _, name := range names {
		_, have := out[name]
		if !have || brng.Float64() < max(mut, 0) {
			if out[name], err = random.Draw(space[name], brng); err != nil {
				return nil, err
			}
		}
	}
	nums := make([]int, len(parents))
	for i, p := range parents {
		nums[i] = p.number
	}
	if err := study.SetTrialSystemAttr(ctx, t.ID, AttrParents, nums); err != nil {
		return nil, err
	}
	if !ok {
		if err := study.SetTrialSystemAttr(ctx, t.ID, AttrGeneration, g); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// breed draws parents from pop by tournament and writes their crossover
// into out, leaving out the parameters that a parent lacks. It returns the
// parents of the child it kept.
func (s *Sampler) breed(pop []*member, np int, names []string, space map[string]core.Distribution,
	value func(*member, string) (float64, bool), out map[string]float64, nobj int, rng *rand.Rand) []*member {
	var cats []string
	var coords []coord
	for _, name := range names {
		if c, ok := newCoord(name, space[name]); ok {
			coords = append(coords, c)
		} else {
			cats = append(cats, name)
		}
	}
	n := len(coords)
	xp := xparams{swap: max(s.cfg.SwappingProb, 0), alpha: s.cfg.Alpha, eta: s.cfg.Eta,
		sigmaXi: s.cfg.SigmaXi, sigmaEta: s.cfg.SigmaEta, epsilon: s.cfg.Epsilon}
	if xp.eta == 0 {
		xp.eta = 2
		if nobj > 1 {
			xp.eta = 20
		}
	}
	if xp.sigmaEta == 0 {
		xp.sigmaEta = 0.35 / math.Sqrt(float64(max(n, 1)))
	}
	if xp.epsilon == 0 {
		xp.epsilon = math.Sqrt(float64(n + 2))
	}
	lo, hi := make([]float64, n), make([]float64, n)
	for i, c := range coords {
		lo[i], hi[i] = c.lo, c.hi
	}

	var parents []*member
	for try := 1; ; try++ {
		parents = tournament(pop, np, rng)
		clear(out)
		// Categorical parameters: uniform crossover of the first and last
		// parents.
		for _, name := range cats {
			p := parents[len(parents)-1]
			if rng.Float64() < xp.swap {
				p = parents[0]
			}
			if v, ok := value(p, name); ok {
				out[name] = v
			}
		}
		if n == 0 {
			return parents
		}
		xs := make([][]float64, len(parents))
		for j, p := range parents {
			xs[j] = make([]float64, n)
			for i, c := range coords {
				v, ok := value(p, c.name)
				if !ok {
					v, _ = random.Draw(c.d, rng)
				}
				xs[j][i] = c.to(v)
			}
		}
		child := cross(s.cfg.Crossover, xp, xs, lo, hi, rng)
		legal := true
		for i, c := range coords {
			x := child[i]
			if try >= maxTries && !math.IsNaN(x) {
				x = min(max(x, c.lo), c.hi)
			}
			v, ok := c.from(x)
			if !ok {
				legal = false
				break
			}
			out[c.name] = v
		}
		if legal {
			return parents
		}
		if try >= maxTries { // NaN children: give up the crossover
			for _, c := range coords {
				delete(out, c.name)
			}
			return parents
		}
	}
}

// tournament returns np distinct members of pop, each the winner of a
// binary tournament (the first of two drawn at random if it dominates the
// second, else the second) among the members not yet chosen.
func tournament(pop []*member, np int, rng *rand.Rand) []*member {
	parents := make([]*member, 0, np)
	rest := slices.Clone(pop)
	for range np {
		i, j := rng.IntN(len(rest)), rng.IntN(len(rest))
		w := j
		if constrainedDominates(rest[i], rest[j]) {
			w = i
		}
		parents = append(parents, rest[w])
		rest = slices.Delete(rest, w, w+1)
	}
	return parents
}
