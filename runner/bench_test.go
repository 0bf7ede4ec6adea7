package runner

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkTrialOverhead measures the runner's own cost per trial with
// SQLite storage: b.N trials of a program that exits at once (echo),
// minus the time to run that program b.N times without tune, measured in
// the same benchmark. It reports overhead-ms/trial (target: under 20).
func BenchmarkTrialOverhead(b *testing.B) {
	ctx := context.Background()
	echo, err := exec.LookPath("echo")
	if err != nil {
		b.Skip("no echo")
	}
	dir := b.TempDir()
	cfg, err := ParseConfig("bench.yaml", []byte(`study: overhead
metric: loss
sampler: random
pruner: none
space: {x: {type: float, low: 0, high: 1}}
command: [`+echo+`, "loss={{.x}}"]
`))
	if err != nil {
		b.Fatal(err)
	}
	cfg.Storage = "sqlite:///" + filepath.Join(dir, "tune.db")
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := exec.Command(echo, "loss=0.5").Run(); err != nil {
			b.Fatal(err)
		}
	}
	plain := time.Since(start)
	cfg.Trials = b.N
	start = time.Now()
	if _, err := Run(ctx, cfg, Options{Dir: dir}); err != nil {
		b.Fatal(err)
	}
	withTune := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(plain.Microseconds())/1000/float64(b.N), "exec-ms/trial")
	b.ReportMetric(float64((withTune-plain).Microseconds())/1000/float64(b.N), "overhead-ms/trial")
}
