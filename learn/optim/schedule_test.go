package optim

import (
	"math"
	"testing"
)

func TestConstant(t *testing.T) {
	s := must(Constant{}.New())
	if lr := s.Start(0.3, 4, 5); lr != 0.3 {
		t.Fatalf("Start %v", lr)
	}
	for range 5 {
		for range 4 {
			if lr := s.AfterBatch(); lr != 0.3 {
				t.Fatalf("AfterBatch %v", lr)
			}
		}
		if lr := s.AfterEpoch(1); lr != 0.3 {
			t.Fatalf("AfterEpoch %v", lr)
		}
	}
}

// TestStartResets checks that Start begins the schedule again.
func TestStartResets(t *testing.T) {
	for _, cfg := range []interface{ New() (Schedule, error) }{
		Step{Size: 2}, MultiStep{Milestones: []int{1, 3}}, Exponential{}, Cosine{},
		WarmupCosine{}, ReduceOnPlateau{Patience: -1}, OneCycle{},
	} {
		s := must(cfg.New())
		var first []float64
		for run := range 2 {
			lrs := []float64{s.Start(0.1, 3, 4)}
			for e := range 4 {
				for range 3 {
					lrs = append(lrs, s.AfterBatch())
				}
				lrs = append(lrs, s.AfterEpoch(float64(e%2)))
			}
			if run == 0 {
				first = lrs
				continue
			}
			for i := range lrs {
				if lrs[i] != first[i] {
					t.Errorf("%#v: run 2 differs at %d: %v, run 1 %v", cfg, i, lrs[i], first[i])
					break
				}
			}
		}
	}
}

// TestPlateauIgnoresNaN checks that epochs without a metric do not count.
func TestPlateauIgnoresNaN(t *testing.T) {
	s := must(ReduceOnPlateau{Patience: 1}.New())
	s.Start(1, 1, 10)
	for range 10 {
		if lr := s.AfterEpoch(math.NaN()); lr != 1 {
			t.Fatalf("rate %v after NaN metrics", lr)
		}
	}
	s.AfterEpoch(1)
	s.AfterEpoch(1)
	if lr := s.AfterEpoch(1); lr != 0.1 {
		t.Errorf("rate %v after 2 epochs without improvement, want 0.1", lr)
	}
}

// TestOneCycleEnds checks the rates at the ends of the cycle and that the
// rate stays put past the run.
func TestOneCycleEnds(t *testing.T) {
	s := must(OneCycle{}.New())
	const batches = 100
	if lr := s.Start(1, batches, 1); math.Abs(lr-1.0/25) > 1e-15 {
		t.Errorf("initial rate %v, want 1/25", lr)
	}
	peak, last := 0.0, 0.0
	for i := range batches {
		lr := s.AfterBatch()
		peak = max(peak, lr)
		if i == batches-2 {
			last = lr
		}
	}
	if math.Abs(peak-1) > 1e-15 {
		t.Errorf("peak %v, want 1", peak)
	}
	if want := 1.0 / 25 / 1e4; math.Abs(last-want) > 1e-12 {
		t.Errorf("rate of the last batch %v, want %v", last, want)
	}
	after := s.AfterBatch()
	if again := s.AfterBatch(); again != after {
		t.Errorf("past the run the rate moved from %v to %v", after, again)
	}

	// Too short a run does not divide by 0.
	for _, cfg := range []OneCycle{{}, {ThreePhase: true, PctStart: 0.25}} {
		s := must(cfg.New())
		for _, n := range []int{0, 1, 4} {
			lrs := []float64{s.Start(1, n, 1)}
			for range n + 1 {
				lrs = append(lrs, s.AfterBatch())
			}
			for _, lr := range lrs {
				if math.IsNaN(lr) || math.IsInf(lr, 0) {
					t.Errorf("%+v over %d batches: rates %v", cfg, n, lrs)
					break
				}
			}
		}
	}
}

// TestWarmupCosineShort checks a warm-up longer than the run.
func TestWarmupCosineShort(t *testing.T) {
	s := must(WarmupCosine{Warmup: 20, StartFactor: 0.5}.New())
	lr := s.Start(1, 5, 2)
	if lr != 0.5 {
		t.Fatalf("Start %v", lr)
	}
	for range 10 {
		next := s.AfterBatch()
		if !(next > lr && next < 1) {
			t.Fatalf("rate %v after %v, in a warm-up of 20 batches", next, lr)
		}
		lr = next
	}
}
