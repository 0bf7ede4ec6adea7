package auto_test

import (
	"context"
	"strings"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/auto"
	"github.com/go-tune/tune/sampler/gp"
	"github.com/go-tune/tune/sampler/samplertest"
	"github.com/go-tune/tune/sampler/tpe"
)

var bg = context.Background()

func must(s *auto.Sampler, err error) *auto.Sampler {
	if err != nil {
		panic(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	samplertest.Run(t, func() sampler.Sampler { return must(auto.New(auto.Config{})) })
}

// choices returns the sampler recorded on each trial, and the study's.
func choices(t *testing.T, s *tune.Study) ([]string, string) {
	t.Helper()
	trials, err := s.Trials(bg)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tr := range trials {
		name, _ := tr.SystemAttrs[auto.AttrSampler].(string)
		out = append(out, name)
	}
	attrs, err := s.SystemAttrs(bg)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := attrs[auto.AttrSampler].(string)
	return out, last
}

// TestSingleObjective: GP for the first GPTrials trials, TPE after; the
// choice is on each trial and the latest on the study.
func TestSingleObjective(t *testing.T) {
	smp := must(auto.New(auto.Config{GPTrials: 15, GP: gp.Config{StartupTrials: 5}}))
	s, err := tune.CreateStudy(bg, "single", tune.WithSampler(smp), tune.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Optimize(bg, func(_ context.Context, tr *tune.Trial) (float64, error) {
		x, _ := tr.Float("x", -5, 5)
		y, _ := tr.Float("y", -5, 5)
		return (x-1)*(x-1) + (y+2)*(y+2), nil
	}, tune.OptimizeOptions{Trials: 25})
	if err != nil {
		t.Fatal(err)
	}
	got, last := choices(t, s)
	want := strings.Repeat("gp ", 15) + strings.Repeat("tpe ", 10)
	if strings.Join(got, " ")+" " != want || last != "tpe" {
		t.Errorf("choices %v, study %q; want 15 gp then tpe, study tpe", got, last)
	}
	best, _ := s.BestValue(bg)
	if best > 0.5 {
		t.Errorf("best value %v after 25 trials", best)
	}
}

// TestConditional: a conditional space goes to TPE as soon as a trial
// lacks a parameter.
func TestConditional(t *testing.T) {
	s, err := tune.CreateStudy(bg, "conditional", tune.WithSampler(must(auto.New(auto.Config{}))), tune.WithSeed(2))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Optimize(bg, func(_ context.Context, tr *tune.Trial) (float64, error) {
		kind, _ := tune.Choice(tr, "kind", "a", "b")
		x, _ := tr.Float("x", -5, 5)
		if kind == "a" {
			y, _ := tr.Float("y", -5, 5)
			return x*x + y*y, nil
		}
		return x*x + 1, nil
	}, tune.OptimizeOptions{Trials: 30})
	if err != nil {
		t.Fatal(err)
	}
	got, last := choices(t, s)
	if last != "tpe" || got[len(got)-1] != "tpe" {
		t.Errorf("choices %v, study %q; want tpe once the space is conditional", got, last)
	}
}

// TestMultiObjective: TPE, then NSGA-II from NSGA2Trials on.
func TestMultiObjective(t *testing.T) {
	smp := must(auto.New(auto.Config{NSGA2Trials: 20}))
	s, err := tune.CreateStudy(bg, "multi", tune.WithSampler(smp), tune.WithSeed(3), tune.WithDirections(tune.Minimize, tune.Minimize))
	if err != nil {
		t.Fatal(err)
	}
	err = s.OptimizeMulti(bg, func(_ context.Context, tr *tune.Trial) ([]float64, error) {
		x, _ := tr.Float("x", 0, 1)
		y, _ := tr.Float("y", 0, 1)
		return []float64{x, (1 + y) * (1 - x*x)}, nil
	}, tune.OptimizeOptions{Trials: 30})
	if err != nil {
		t.Fatal(err)
	}
	got, last := choices(t, s)
	want := strings.Repeat("tpe ", 20) + strings.Repeat("nsga2 ", 10)
	if strings.Join(got, " ")+" " != want || last != "nsga2" {
		t.Errorf("choices %v, study %q; want 20 tpe then nsga2", got, last)
	}
}

func TestConfigErrors(t *testing.T) {
	if _, err := auto.New(auto.Config{TPE: tpe.Config{Gamma: 2}}); err == nil || !strings.Contains(err.Error(), "Config.TPE") || !strings.Contains(err.Error(), "Gamma") {
		t.Errorf("bad TPE config: %v, want an error naming Config.TPE and Gamma", err)
	}
	if _, err := auto.New(auto.Config{GP: gp.Config{Candidates: -1}}); err == nil || !strings.Contains(err.Error(), "Config.GP") {
		t.Errorf("bad GP config: %v, want an error naming Config.GP", err)
	}
	got := must(auto.New(auto.Config{})).Config()
	if got.GPTrials != 200 || got.NSGA2Trials != 300 {
		t.Errorf("defaults %d, %d; want 200, 300", got.GPTrials, got.NSGA2Trials)
	}
}
