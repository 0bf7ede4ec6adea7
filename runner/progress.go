package runner

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/go-tune/tune"
)

// progress redraws one status line on a terminal: trials done of the
// total, running, pruned, failed, the best value, elapsed time and an
// estimate of the time left.
type progress struct {
	w     io.Writer
	total int
	start time.Time
	base  int // trials finished before this run
}

func (p *progress) draw(ctx context.Context, s *tune.Study) {
	trials, err := s.Trials(ctx)
	if err != nil {
		return
	}
	var done, running, pruned, failed int
	for _, t := range trials {
		switch t.State {
		case tune.Complete:
			done++
		case tune.Pruned:
			done++
			pruned++
		case tune.Fail:
			done++
			failed++
		case tune.Running:
			running++
		}
	}
	var b strings.Builder
	if p.total > 0 {
		fmt.Fprintf(&b, "%d/%d done", done, p.total)
	} else {
		fmt.Fprintf(&b, "%d done", done)
	}
	fmt.Fprintf(&b, ", %d running, %d pruned, %d failed", running, pruned, failed)
	if best, err := s.BestValue(ctx); err == nil {
		fmt.Fprintf(&b, ", best %.6g", best)
	}
	elapsed := time.Since(p.start)
	fmt.Fprintf(&b, ", %s", elapsed.Round(time.Second))
	if n := done - p.base; p.total > 0 && n > 0 && done < p.total {
		left := time.Duration(float64(elapsed) / float64(n) * float64(p.total-done))
		fmt.Fprintf(&b, ", about %s left", left.Round(time.Second))
	}
	line := b.String()
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", int(math.Max(0, float64(79-len(line))))))
}

// run redraws the line every second until ctx is done, then ends it.
func (p *progress) run(ctx context.Context, s *tune.Study, stop <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		p.draw(context.WithoutCancel(ctx), s)
		select {
		case <-stop:
			p.draw(context.WithoutCancel(ctx), s)
			fmt.Fprintln(p.w)
			return
		case <-tick.C:
		}
	}
}
