package qmc_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/sampler/qmc"
	"github.com/go-tune/tune/storage/memory"
)

// TestOptimize: two study handles on one storage (two processes, as it
// were), with four workers each, take distinct points without coordinating.
func TestOptimize(t *testing.T) {
	st := memory.New()
	var mu sync.Mutex
	byNumber := map[int]string{}
	var wg sync.WaitGroup
	for h := range 2 {
		s, err := qmc.New(qmc.Config{})
		if err != nil {
			t.Fatal(err)
		}
		study, err := tune.CreateStudy(bg, "qmc", tune.WithStorage(st), tune.WithSampler(s), tune.LoadIfExists(), tune.WithSeed(uint64(h+1)))
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			err := study.Optimize(bg, func(ctx context.Context, tr *tune.Trial) (float64, error) {
				x, err := tr.Float("x", -1, 1)
				if err != nil {
					return 0, err
				}
				n, err := tr.Int("n", 1, 100, tune.Log())
				if err != nil {
					return 0, err
				}
				mu.Lock()
				byNumber[tr.Number()] = fmt.Sprint(x, n)
				mu.Unlock()
				return x * float64(n), nil
			}, tune.OptimizeOptions{Trials: 20, Workers: 4})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for number, p := range byNumber {
		if prev, ok := seen[p]; ok {
			t.Errorf("trials %d and %d both took %s", prev, number, p)
		}
		seen[p] = number
	}
	if len(byNumber) != 40 {
		t.Errorf("%d trials, want 40", len(byNumber))
	}
}
