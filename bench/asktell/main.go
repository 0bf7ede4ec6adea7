// Command asktell measures tune's in-memory Ask+Tell against the issue's
// targets, side by side with Optuna's, in one run:
//
//   - the time per trial of Ask, 5 Float parameters and Tell, with the
//     default in-memory storage and random sampler, on studies that already
//     hold 100 and 10,000 finished trials (target: at most 20µs, and the time
//     at 10,000 within 1.5x of the time at 100);
//   - the heap that 100,000 such finished trials keep (target: under 200 MB);
//   - the same with Optuna's in-memory storage and RandomSampler, when the
//     Python interpreter given by -python can import optuna (it runs the
//     script optuna_asktell.py, embedded in this program).
//
// Usage, from the repository root:
//
//	go run ./bench/asktell [-repeats 5] [-trials 2000] [-optuna=false]
//
// Each time is the median of -repeats repeats of -trials timed trials. The
// timed trials run in blocks of max(1, finished/4), each on a freshly
// pre-filled study (the pre-fill is not timed), so that the study holds
// between finished and 1.25*finished trials while timed: one study left to
// grow would hold 2,100 trials, not 100, after 2,000 trials. The garbage
// collector is left to run when it would, as in a real run: the timed trials
// pay a share of its work, the same at both sizes. The Python side does the
// same.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/internal/benchutil"
)

//go:embed optuna_asktell.py
var optunaScript string

// The targets.
const (
	targetMicros   = 20.0  // µs per trial, at most
	targetFlatness = 1.5   // time at the largest size / time at the smallest, at most
	targetMB       = 200.0 // MB for 100,000 trials, under
)

var params = [...]string{"x0", "x1", "x2", "x3", "x4"}

func main() {
	sizes := flag.String("sizes", "100,10000", "comma-separated numbers of finished trials to measure at")
	trials := flag.Int("trials", 2000, "timed trials per repeat")
	repeats := flag.Int("repeats", 5, "repeats per size; the median is reported")
	memTrials := flag.Int("mem", 100_000, "finished trials for the memory measurement (0: skip)")
	python := flag.String("python", "/usr/bin/python3", "Python interpreter with optuna installed")
	withOptuna := flag.Bool("optuna", true, "measure Optuna too, if -python can import it")
	optunaMem := flag.Bool("optuna-mem", true, "measure Optuna's RSS growth for -mem trials too")
	flag.Parse()
	ns, err := parseSizes(*sizes)
	if err != nil || *trials < 1 || *repeats < 1 {
		fmt.Fprintln(os.Stderr, "asktell: bad flags:", err)
		flag.Usage()
		os.Exit(2)
	}
	if err := run(ns, *trials, *repeats, *memTrials, *python, *withOptuna, *optunaMem); err != nil {
		fmt.Fprintln(os.Stderr, "asktell:", err)
		os.Exit(1)
	}
}

func parseSizes(s string) ([]int, error) {
	var ns []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("size %q is not a number of trials", f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

// optunaResult is what optuna_asktell.py prints.
type optunaResult struct {
	Optuna  string `json:"optuna"`
	Python  string `json:"python"`
	AskTell []struct {
		Finished   int       `json:"finished"`
		MicrosPerT float64   `json:"us_per_trial"`
		RunsMicros []float64 `json:"runs_us"`
	} `json:"asktell"`
	Memory *struct {
		Trials  int     `json:"trials"`
		RSSMB   float64 `json:"rss_mb"`
		Seconds float64 `json:"fill_seconds"`
		Skipped string  `json:"skipped"`
	} `json:"memory"`
}

func run(sizes []int, trials, repeats, memTrials int, python string, withOptuna, optunaMem bool) error {
	ctx := context.Background()
	fmt.Printf("asktell: %s, %s/%s, %d CPUs (GOMAXPROCS %d), %s\n",
		time.Now().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("Ask + 5 Float in [-10,10] + Tell, in-memory storage, random sampler (seed 1);\n"+
		"median of %d repeats of %d timed trials\n\n", repeats, trials)

	tuneMicros := make([]float64, len(sizes))
	for i, n := range sizes {
		runs := make([]float64, repeats)
		for r := range runs {
			d, err := timeAskTell(ctx, n, trials)
			if err != nil {
				return err
			}
			runs[r] = float64(d.Nanoseconds()) / 1e3 / float64(trials)
		}
		tuneMicros[i] = benchutil.Median(runs)
	}
	var storageMB, cacheMB float64
	if memTrials > 0 {
		var err error
		if storageMB, cacheMB, err = heapMB(ctx, memTrials); err != nil {
			return err
		}
	}

	var ref *optunaResult
	var refWhy string
	if withOptuna {
		ref, refWhy = runOptuna(python, sizes, trials, repeats, memTrials, optunaMem)
	} else {
		refWhy = "not asked for (-optuna=false)"
	}

	w := tabwriter.NewWriter(os.Stdout, 0, 0, 3, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "finished trials\ttune µs/trial\tOptuna µs/trial\tOptuna/tune\t")
	for i, n := range sizes {
		o, ratio := "-", "-"
		if m, ok := ref.micros(n); ok {
			o, ratio = fmt.Sprintf("%.1f", m), fmt.Sprintf("%.0fx", m/tuneMicros[i])
		}
		fmt.Fprintf(w, "%d\t%.2f\t%s\t%s\t\n", n, tuneMicros[i], o, ratio)
	}
	var flat float64
	if len(sizes) > 1 {
		first, last := sizes[0], sizes[len(sizes)-1]
		flat = tuneMicros[len(sizes)-1] / tuneMicros[0]
		o := "-"
		m0, ok0 := ref.micros(first)
		m1, ok1 := ref.micros(last)
		if ok0 && ok1 {
			o = fmt.Sprintf("%.2fx", m1/m0)
		}
		fmt.Fprintf(w, "flatness %d/%d\t%.2fx\t%s\t\t\n", last, first, flat, o)
	}
	w.Flush()

	if memTrials > 0 {
		fmt.Printf("\nmemory, %d finished trials of 5 parameters:\n", memTrials)
		fmt.Printf("  tune:   %.1f MB live heap in the in-memory storage (%.0f B/trial);"+
			" %.1f MB once the study's trial cache is filled (by BestTrial)\n",
			storageMB, storageMB*1e6/float64(memTrials), cacheMB)
		switch {
		case ref == nil || ref.Memory == nil:
			fmt.Println("  Optuna: not measured")
		case ref.Memory.Skipped != "":
			fmt.Println("  Optuna: not measured:", ref.Memory.Skipped)
		default:
			fmt.Printf("  Optuna: %.1f MB RSS growth (filled with add_trial in %.0fs)\n", ref.Memory.RSSMB, ref.Memory.Seconds)
		}
	}
	if ref != nil {
		fmt.Printf("\nreference: Optuna %s, Python %s, in-memory storage, RandomSampler(seed=1)\n", ref.Optuna, ref.Python)
	} else {
		fmt.Printf("\nreference: Optuna was not measured: %s.\n"+
			"  To measure it, install Optuna 3.1 (apt-get install -y python3-optuna) or pass -python.\n", refWhy)
	}

	fmt.Println("\ntargets:")
	for i, n := range sizes {
		fmt.Printf("  %-6s %d finished: %.2f µs/trial <= %g µs\n", benchutil.Verdict(tuneMicros[i] <= targetMicros), n, tuneMicros[i], targetMicros)
	}
	if len(sizes) > 1 {
		fmt.Printf("  %-6s flat: %.2fx <= %gx\n", benchutil.Verdict(flat <= targetFlatness), flat, targetFlatness)
	}
	if memTrials == 100_000 {
		fmt.Printf("  %-6s memory: %.1f MB < %g MB\n", benchutil.Verdict(storageMB < targetMB), storageMB, targetMB)
	}
	return nil
}

// askTell runs one trial by hand: Ask, the 5 parameters, Tell. It is the
// workload of BenchmarkAskTell in bench_test.go; keep the two in step.
func askTell(ctx context.Context, s *tune.Study) error {
	t, err := s.Ask(ctx)
	if err != nil {
		return err
	}
	var v float64
	for _, name := range params {
		x, err := t.Float(name, -10, 10)
		if err != nil {
			return err
		}
		v += x * x
	}
	_, err = s.Tell(ctx, t, []float64{v}, nil)
	return err
}

// prefill returns a new study (seed 1, in-memory storage, random sampler)
// that holds n finished trials.
func prefill(ctx context.Context, n int) (*tune.Study, error) {
	s, err := tune.CreateStudy(ctx, "asktell", tune.WithSeed(1))
	if err != nil {
		return nil, err
	}
	for range n {
		if err := askTell(ctx, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// timeAskTell returns the time of trials Ask+Tell trials on studies that
// hold between finished and 1.25*finished trials (see the package comment).
func timeAskTell(ctx context.Context, finished, trials int) (time.Duration, error) {
	block := max(1, finished/4)
	var total time.Duration
	for done := 0; done < trials; {
		k := min(block, trials-done)
		s, err := prefill(ctx, finished)
		if err != nil {
			return 0, err
		}
		start := time.Now()
		for range k {
			if err := askTell(ctx, s); err != nil {
				return 0, err
			}
		}
		total += time.Since(start)
		done += k
	}
	return total, nil
}

// heapMB returns the live heap, in MB (10^6 bytes), that a study with n
// finished trials adds: in its storage, and with its trial cache filled too.
func heapMB(ctx context.Context, n int) (storageMB, cacheMB float64, err error) {
	live := func() int64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	before := live()
	s, err := prefill(ctx, n)
	if err != nil {
		return 0, 0, err
	}
	storageMB = float64(live()-before) / 1e6
	if _, err := s.BestTrial(ctx); err != nil {
		return 0, 0, err
	}
	cacheMB = float64(live()-before) / 1e6
	runtime.KeepAlive(s)
	return storageMB, cacheMB, nil
}

// runOptuna runs optuna_asktell.py with python, or says why it did not.
func runOptuna(python string, sizes []int, trials, repeats, memTrials int, withMem bool) (*optunaResult, string) {
	if out, err := exec.Command(python, "-c", "import optuna").CombinedOutput(); err != nil {
		return nil, fmt.Sprintf("%s cannot import optuna (%v: %s)", python, err, benchutil.LastLine(out))
	}
	strs := make([]string, len(sizes))
	for i, n := range sizes {
		strs[i] = strconv.Itoa(n)
	}
	args := []string{"-", "--sizes", strings.Join(strs, ","),
		"--trials", strconv.Itoa(trials), "--repeats", strconv.Itoa(repeats)}
	if withMem && memTrials > 0 {
		args = append(args, "--mem-trials", strconv.Itoa(memTrials), "--mem-timeout", "120")
	}
	cmd := exec.Command(python, args...)
	cmd.Stdin = strings.NewReader(optunaScript)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	fmt.Fprintf(os.Stderr, "asktell: running the Optuna reference (%s optuna_asktell.py)...\n", python)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Sprintf("optuna_asktell.py failed (%v: %s)", err, benchutil.LastLine(stderr.Bytes()))
	}
	var r optunaResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Sprintf("optuna_asktell.py printed no JSON (%v)", err)
	}
	return &r, ""
}

// micros returns Optuna's median µs per trial at finished trials.
func (r *optunaResult) micros(finished int) (float64, bool) {
	if r == nil {
		return 0, false
	}
	for _, a := range r.AskTell {
		if a.Finished == finished {
			return a.MicrosPerT, true
		}
	}
	return 0, false
}
