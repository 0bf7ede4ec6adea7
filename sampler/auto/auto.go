package auto

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/gp"
	"github.com/go-tune/tune/sampler/nsga2"
	"github.com/go-tune/tune/sampler/tpe"
)

// AttrSampler is the trial (and study) system attribute that names the
// sampler chosen: "gp", "tpe" or "nsga2".
const AttrSampler = "auto:sampler"

// Config sets the rules and the delegates. The zero value is the default.
type Config struct {
	// GPTrials is how many Complete trials a single-objective study without
	// conditional parameters uses GP for, before TPE. 0 means 200; a
	// negative value means never GP.
	GPTrials int
	// NSGA2Trials is how many Complete trials a study of several
	// objectives uses TPE for, before NSGA-II. 0 means 300; a negative value
	// means never NSGA-II.
	NSGA2Trials int
	// TPE, GP and NSGA2 configure the delegates (their zero values are
	// their defaults).
	TPE   tpe.Config
	GP    gp.Config
	NSGA2 nsga2.Config
}

// Sampler is the auto sampler. It is safe for concurrent use.
type Sampler struct {
	cfg   Config
	tpe   *tpe.Sampler
	gp    *gp.Sampler
	nsga2 *nsga2.Sampler
}

var (
	_ sampler.Sampler       = (*Sampler)(nil)
	_ sampler.Relative      = (*Sampler)(nil)
	_ sampler.BeforeTrialer = (*Sampler)(nil)
	_ sampler.AfterTrialer  = (*Sampler)(nil)
)

// New returns an auto sampler, or the error of the delegate whose
// configuration is wrong.
func New(cfg Config) (*Sampler, error) {
	if cfg.GPTrials == 0 {
		cfg.GPTrials = 200
	}
	if cfg.NSGA2Trials == 0 {
		cfg.NSGA2Trials = 300
	}
	s := &Sampler{cfg: cfg}
	var err error
	if s.tpe, err = tpe.New(cfg.TPE); err != nil {
		return nil, fmt.Errorf("auto: Config.TPE: %w", err)
	}
	if s.gp, err = gp.New(cfg.GP); err != nil {
		return nil, fmt.Errorf("auto: Config.GP: %w", err)
	}
	if s.nsga2, err = nsga2.New(cfg.NSGA2); err != nil {
		return nil, fmt.Errorf("auto: Config.NSGA2: %w", err)
	}
	return s, nil
}

// Config returns the sampler's configuration, with the thresholds filled
// in (negative: never).
func (s *Sampler) Config() Config { return s.cfg }

// Choose returns the name of the sampler the rules pick for a trial that
// starts now (see the package documentation).
func (s *Sampler) Choose(ctx context.Context, study core.Study) (string, error) {
	trials, err := study.Trials(ctx, core.Complete)
	if err != nil {
		return "", err
	}
	n := len(trials)
	if len(study.Directions()) > 1 {
		if s.cfg.NSGA2Trials >= 0 && n >= s.cfg.NSGA2Trials {
			return "nsga2", nil
		}
		return "tpe", nil
	}
	if s.cfg.GPTrials < 0 || n >= s.cfg.GPTrials || conditional(trials) {
		return "tpe", nil
	}
	return "gp", nil
}

// conditional reports whether some parameter is missing from some trial.
func conditional(trials []core.Trial) bool {
	seen := map[string]int{}
	for i := range trials {
		for _, p := range trials[i].Params {
			seen[p.Name]++
		}
	}
	for _, c := range seen {
		if c != len(trials) {
			return true
		}
	}
	return false
}

// delegate returns the sampler chosen for t (recorded by BeforeTrial, or
// chosen now for a trial that has no record).
func (s *Sampler) delegate(ctx context.Context, study core.Study, t core.Trial) (sampler.Sampler, error) {
	name, _ := t.SystemAttrs[AttrSampler].(string)
	if name == "" {
		var err error
		if name, err = s.Choose(ctx, study); err != nil {
			return nil, err
		}
	}
	switch name {
	case "gp":
		return s.gp, nil
	case "nsga2":
		return s.nsga2, nil
	}
	return s.tpe, nil
}

// BeforeTrial implements sampler.BeforeTrialer: it chooses, records the
// choice on the trial (and on the study when it changes), and runs the
// chosen sampler's BeforeTrial.
func (s *Sampler) BeforeTrial(ctx context.Context, study core.Study, t core.Trial) error {
	name, err := s.Choose(ctx, study)
	if err != nil {
		return err
	}
	if err := study.SetTrialSystemAttr(ctx, t.ID, AttrSampler, name); err != nil {
		return err
	}
	attrs, err := study.SystemAttrs(ctx)
	if err != nil {
		return err
	}
	if attrs[AttrSampler] != name {
		if err := study.SetSystemAttr(ctx, AttrSampler, name); err != nil {
			return err
		}
	}
	t.SystemAttrs = core.CloneAttrs(t.SystemAttrs)
	if t.SystemAttrs == nil {
		t.SystemAttrs = map[string]any{}
	}
	t.SystemAttrs[AttrSampler] = name
	d, err := s.delegate(ctx, study, t)
	if err != nil {
		return err
	}
	if b, ok := d.(sampler.BeforeTrialer); ok {
		return b.BeforeTrial(ctx, study, t)
	}
	return nil
}

// AfterTrial implements sampler.AfterTrialer, for the chosen sampler.
func (s *Sampler) AfterTrial(ctx context.Context, study core.Study, t core.Trial, state core.State, values []float64) error {
	d, err := s.delegate(ctx, study, t)
	if err != nil {
		return err
	}
	if a, ok := d.(sampler.AfterTrialer); ok {
		return a.AfterTrial(ctx, study, t, state, values)
	}
	return nil
}

// RelativeSpace implements sampler.Relative, for the chosen sampler.
func (s *Sampler) RelativeSpace(ctx context.Context, study core.Study, t core.Trial) (map[string]core.Distribution, error) {
	d, err := s.delegate(ctx, study, t)
	if err != nil {
		return nil, err
	}
	if r, ok := d.(sampler.Relative); ok {
		return r.RelativeSpace(ctx, study, t)
	}
	return nil, nil
}

// SampleRelative implements sampler.Relative, for the chosen sampler.
func (s *Sampler) SampleRelative(ctx context.Context, study core.Study, t core.Trial, space map[string]core.Distribution, rng *rand.Rand) (map[string]float64, error) {
	d, err := s.delegate(ctx, study, t)
	if err != nil {
		return nil, err
	}
	if r, ok := d.(sampler.Relative); ok {
		return r.SampleRelative(ctx, study, t, space, rng)
	}
	return nil, nil
}

// SampleIndependent implements sampler.Sampler, for the chosen sampler.
func (s *Sampler) SampleIndependent(ctx context.Context, study core.Study, t core.Trial, name string, dist core.Distribution, rng *rand.Rand) (float64, error) {
	d, err := s.delegate(ctx, study, t)
	if err != nil {
		return 0, err
	}
	return d.SampleIndependent(ctx, study, t, name, dist, rng)
}
