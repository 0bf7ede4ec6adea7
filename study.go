package tune

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/memory"
	"github.com/go-tune/tune/storage/rdb"
)

// Study is a named optimization: its directions, its trials in a storage,
// and the sampler and pruner that this handle uses. Several Study handles,
// in one process or many, may work on the same stored study.
//
// A Study is safe for concurrent use.
type Study struct {
	info    core.StudyInfo // ID, Name, Directions; attributes are read from the storage
	storage storage.Storage
	sampler sampler.Sampler
	pruner  pruner.Pruner
	seed    uint64
	log     *slog.Logger

	cache   trialCache
	planMu  sync.Mutex
	planRng *rand.Rand
	cbMu    sync.Mutex
	stop    atomic.Bool

	// dists holds the distribution each parameter was first written with
	// by this handle (name -> core.Distribution), so that a trial whose
	// parameters are held back (storage.ParamBatcher) is told at once when
	// it asks for an incompatible one.
	dists sync.Map

	retryPolicy RetryPolicy
	staleMu     sync.Mutex
	staleAt     time.Time // when failStale last ran
}

// Option configures CreateStudy and LoadStudy.
type Option func(*config)

type config struct {
	storage      storage.Storage
	sampler      sampler.Sampler
	pruner       pruner.Pruner
	directions   []core.Direction
	seed         uint64
	log          *slog.Logger
	loadIfExists bool
	retry        RetryPolicy
}

// WithStorage keeps the study in s. The default is a new in-memory storage
// for each study.
func WithStorage(s storage.Storage) Option { return func(c *config) { c.storage = s } }

// WithSampler samples the trials' parameters with s. The default is random
// search (sampler/random).
func WithSampler(s sampler.Sampler) Option { return func(c *config) { c.sampler = s } }

// WithPruner decides with p whether to stop trials early. The default is
// pruner.Median{}, as in Optuna; pruner.Nop{} never prunes.
func WithPruner(p pruner.Pruner) Option { return func(c *config) { c.pruner = p } }

// WithDirections sets the study's directions, one per objective. The
// default is one objective, minimized. For LoadStudy it is a check: the
// stored study must have these directions.
func WithDirections(d ...Direction) Option {
	return func(c *config) { c.directions = slices.Clone(d) }
}

// WithSeed seeds the study's randomness. Each trial's sampler draws from a
// source seeded by the seed and the trial's number, so one seed gives the
// same trials run after run (with one worker, for samplers that learn from
// past trials; with any number for random search). 0, the default, means a
// random seed, recorded in the study's system attribute SeedAttr; a study
// that is loaded without WithSeed uses its recorded seed.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithLogger logs each finished trial to l at level Info. The default (nil)
// logs nothing.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// LoadIfExists makes CreateStudy load the study if one with the name exists,
// instead of failing with ErrStudyExists (Optuna's load_if_exists).
func LoadIfExists() Option { return func(c *config) { c.loadIfExists = true } }

func newConfig(opts []Option) (*config, error) {
	c := &config{}
	for _, o := range opts {
		o(c)
	}
	if v, ok := c.pruner.(pruner.Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, fmt.Errorf("tune: %T: %w", c.pruner, err)
		}
	}
	if c.storage == nil {
		c.storage = memory.New()
	}
	if c.sampler == nil {
		c.sampler = random.New()
	}
	if c.pruner == nil {
		c.pruner = pruner.Median{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// CreateStudy creates a study called name (a generated unique name if name
// is empty). It fails with ErrStudyExists if the name is taken, unless
// LoadIfExists is given.
func CreateStudy(ctx context.Context, name string, opts ...Option) (*Study, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if name == "" {
		var b [16]byte
		_, _ = crand.Read(b[:])
		name = "no-name-" + hex.EncodeToString(b[:])
	}
	dirs := c.directions
	if len(dirs) == 0 {
		dirs = []core.Direction{core.Minimize}
	}
	seed := c.seed
	if seed == 0 {
		seed = randomSeed()
	}
	// The seed is written with the study, so that a worker that loads the
	// study at once finds it.
	info, err := c.storage.CreateStudy(ctx, name, dirs, map[string]any{SeedAttr: strconv.FormatUint(seed, 10)})
	if errors.Is(err, storage.ErrStudyExists) && c.loadIfExists {
		return load(ctx, name, c)
	}
	if err != nil {
		return nil, fmt.Errorf("tune: create study %q: %w", name, err)
	}
	return newStudy(info, c, seed), nil
}

// LoadStudy loads the study called name from the storage given with
// WithStorage; it fails with ErrStudyNotFound if there is none.
func LoadStudy(ctx context.Context, name string, opts ...Option) (*Study, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	return load(ctx, name, c)
}

func load(ctx context.Context, name string, c *config) (*Study, error) {
	info, err := c.storage.LoadStudy(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("tune: load study %q: %w", name, err)
	}
	if c.directions != nil && !slices.Equal(c.directions, info.Directions) {
		return nil, fmt.Errorf("tune: study %q has directions %v, not %v", name, info.Directions, c.directions)
	}
	seed := c.seed
	if seed == 0 {
		recorded, _ := info.SystemAttrs[SeedAttr].(string)
		seed, _ = strconv.ParseUint(recorded, 10, 64)
	}
	if seed == 0 { // a study that another tool created
		seed = randomSeed()
		if err := c.storage.SetStudySystemAttr(ctx, info.ID, SeedAttr, strconv.FormatUint(seed, 10)); err != nil {
			return nil, fmt.Errorf("tune: load study %q: %w", name, err)
		}
	}
	return newStudy(info, c, seed), nil
}

// OpenStorage opens the storage that url names: "memory" (or "") for a new
// in-memory storage, or a database URL of package rdb
// (sqlite:///tune.db, postgresql://..., mysql://...).
func OpenStorage(ctx context.Context, url string) (storage.Storage, error) {
	if url == "" || url == "memory" {
		return memory.New(), nil
	}
	return rdb.Open(ctx, url)
}

// DeleteStudy deletes the study called name, and its trials, from s.
func DeleteStudy(ctx context.Context, s storage.Storage, name string) error {
	info, err := s.LoadStudy(ctx, name)
	if err == nil {
		err = s.DeleteStudy(ctx, info.ID)
	}
	if err != nil {
		return fmt.Errorf("tune: delete study %q: %w", name, err)
	}
	return nil
}

func randomSeed() uint64 {
	var b [8]byte
	for {
		_, _ = crand.Read(b[:])
		if s := binary.LittleEndian.Uint64(b[:]); s != 0 {
			return s
		}
	}
}

func newStudy(info core.StudyInfo, c *config, seed uint64) *Study {
	s := &Study{
		info:    core.StudyInfo{ID: info.ID, Name: info.Name, Directions: info.Directions},
		storage: c.storage,
		sampler: c.sampler,
		pruner:  c.pruner,
		seed:    seed,
		log:     c.log,
		planRng: rand.New(rand.NewPCG(seed, 0x706c616e)), // "plan"

		retryPolicy: c.retry,
	}
	s.cache.study = s
	return s
}

// Name returns the study's name.
func (s *Study) Name() string { return s.info.Name }

// Directions returns the study's directions, one per objective.
func (s *Study) Directions() []Direction { return slices.Clone(s.info.Directions) }

// Seed returns the seed this handle uses (see WithSeed).
func (s *Study) Seed() uint64 { return s.seed }

// Storage returns the storage that keeps the study.
func (s *Study) Storage() storage.Storage { return s.storage }

// Trials returns copies of the study's trials in the given states (all when
// none are given), in number order: this handle's writes at once, other
// handles' and processes' within 10 ms (the handle reads the storage when
// it has written, or 10 ms after its last read).
func (s *Study) Trials(ctx context.Context, states ...State) ([]FrozenTrial, error) {
	trials, err := s.cache.trials(ctx, states)
	if err != nil {
		return nil, err
	}
	out := make([]FrozenTrial, len(trials))
	for i := range trials {
		out[i] = trials[i].Clone()
	}
	return out, nil
}

// BestTrial returns the Complete trial with the best value (the lowest
// number among equals). It fails with ErrNoTrials if there is none, and for a
// study with several objectives (see BestTrials).
func (s *Study) BestTrial(ctx context.Context) (FrozenTrial, error) {
	if len(s.info.Directions) != 1 {
		return FrozenTrial{}, fmt.Errorf("tune: study %q has %d objectives: use BestTrials", s.info.Name, len(s.info.Directions))
	}
	trials, err := s.cache.trials(ctx, []State{Complete})
	if err != nil {
		return FrozenTrial{}, err
	}
	best := -1
	for i := range trials {
		if best < 0 || s.info.Directions[0].Better(trials[i].Values[0], trials[best].Values[0]) {
			best = i
		}
	}
	if best < 0 {
		return FrozenTrial{}, fmt.Errorf("%w in study %q", ErrNoTrials, s.info.Name)
	}
	return trials[best].Clone(), nil
}

// BestValue returns the best trial's value.
func (s *Study) BestValue(ctx context.Context) (float64, error) {
	t, err := s.BestTrial(ctx)
	if err != nil {
		return 0, err
	}
	return t.Values[0], nil
}

// BestParams returns the best trial's parameters, by name.
func (s *Study) BestParams(ctx context.Context) (map[string]any, error) {
	t, err := s.BestTrial(ctx)
	if err != nil {
		return nil, err
	}
	return t.ParamValues(), nil
}

// BestTrials returns the Pareto-optimal Complete trials: those that no other
// Complete trial dominates (at least as good in every objective and better in
// one). For one objective, it is every trial with the best value.
func (s *Study) BestTrials(ctx context.Context) ([]FrozenTrial, error) {
	trials, err := s.cache.trials(ctx, []State{Complete})
	if err != nil {
		return nil, err
	}
	var front []FrozenTrial
	for i := range trials {
		dominated := false
		for j := range trials {
			if i != j && dominates(s.info.Directions, trials[j].Values, trials[i].Values) {
				dominated = true
				break
			}
		}
		if !dominated {
			front = append(front, trials[i].Clone())
		}
	}
	return front, nil
}

// dominates reports whether values a dominate values b.
func dominates(dirs []Direction, a, b []float64) bool {
	better := false
	for k, d := range dirs {
		if d.Better(b[k], a[k]) {
			return false
		}
		if d.Better(a[k], b[k]) {
			better = true
		}
	}
	return better
}

// SetUserAttr sets a user attribute of the study. value must be JSON.
func (s *Study) SetUserAttr(ctx context.Context, key string, value any) error {
	return s.storage.SetStudyUserAttr(ctx, s.info.ID, key, value)
}

// UserAttrs returns the study's user attributes.
func (s *Study) UserAttrs(ctx context.Context) (map[string]any, error) {
	info, err := s.storage.LoadStudy(ctx, s.info.Name)
	return info.UserAttrs, err
}

// SystemAttrs returns the study's system attributes.
func (s *Study) SystemAttrs(ctx context.Context) (map[string]any, error) {
	info, err := s.storage.LoadStudy(ctx, s.info.Name)
	return info.SystemAttrs, err
}

// Enqueue adds a Waiting trial with fixed parameters (name to external
// value) and returns its number. The next Ask, by any worker of the study,
// claims it, exactly once; its objective gets these values for these names,
// and samples the others. A fixed value outside the distribution the
// objective asks with is an error of that call.
func (s *Study) Enqueue(ctx context.Context, params map[string]any) (int, error) {
	for name, v := range params {
		switch v.(type) {
		case nil, bool, string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		default:
			return 0, fmt.Errorf("tune: enqueue: parameter %q: %v (%T) is not a string, number, bool or nil", name, v, v)
		}
	}
	defer s.cache.touch()
	t, err := s.storage.CreateTrial(ctx, s.info.ID, storage.TrialSpec{
		State:       core.Waiting,
		SystemAttrs: map[string]any{FixedParamsAttr: params},
	})
	if err != nil {
		return 0, fmt.Errorf("tune: enqueue: %w", err)
	}
	return t.Number, nil
}

// Stop makes the Optimize calls running on this handle start no new trial;
// they return once their running trials are told. It is what a Callback
// calls to end a study early.
func (s *Study) Stop() { s.stop.Store(true) }

// samplerView returns the study as the sampler of trial number sees it:
// the pruner's group of the trial (Hyperband's bracket) when the pruner
// groups trials, else the whole study.
func (s *Study) samplerView(ctx context.Context, number int) (core.Study, error) {
	g, ok := s.pruner.(pruner.Grouper)
	if !ok {
		return view{s}, nil
	}
	v, err := g.View(ctx, view{s}, number)
	if err != nil {
		return nil, fmt.Errorf("pruner: %w", err)
	}
	return v, nil
}

// view is the core.Study that samplers and pruners see.
type view struct{ s *Study }

var _ core.Study = view{}

func (v view) Name() string                 { return v.s.info.Name }
func (v view) Directions() []core.Direction { return v.s.info.Directions }
func (v view) Trials(ctx context.Context, states ...core.State) ([]core.Trial, error) {
	return v.s.cache.trials(ctx, states)
}
func (v view) SystemAttrs(ctx context.Context) (map[string]any, error) { return v.s.SystemAttrs(ctx) }
func (v view) SetSystemAttr(ctx context.Context, key string, value any) error {
	return v.s.storage.SetStudySystemAttr(ctx, v.s.info.ID, key, value)
}
func (v view) SetTrialSystemAttr(ctx context.Context, trialID int64, key string, value any) error {
	defer v.s.cache.touch()
	return v.s.storage.SetTrialSystemAttr(ctx, trialID, key, value)
}
