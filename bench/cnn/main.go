// Command cnn measures the seed CNN's training and inference speed in
// learn/nn side by side with PyTorch's, interleaved in one run, at 1 and 2
// threads, and the GEMM throughput at the model's shapes.
//
//	go run ./bench/cnn            # about 3 minutes on 2 cores
//	go run ./bench/cnn -quick     # smoke run
//
// See bench/README.md ("CNN") for what it measures and the results.
package main

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-tune/tune/internal/benchutil"
	"github.com/go-tune/tune/learn/nn"
	"github.com/go-tune/tune/learn/optim"
	"github.com/go-tune/tune/learn/tensor"
)

//go:embed pytorch_cnn.py
var torchScript string

type config struct {
	rounds, batches, batch int
	threads                []int
	python                 string
	torch                  bool
}

func main() {
	c := config{}
	quick := flag.Bool("quick", false, "smoke run: 1 round of 5 batches")
	flag.IntVar(&c.rounds, "rounds", 5, "interleaved rounds; the tables show the medians")
	flag.IntVar(&c.batches, "batches", 30, "timed batches per measurement (after 5 untimed)")
	flag.IntVar(&c.batch, "batch", 64, "batch size")
	threads := flag.String("threads", "1,2", "comma-separated thread counts")
	flag.StringVar(&c.python, "python", "/usr/bin/python3", "Python interpreter with torch")
	flag.BoolVar(&c.torch, "torch", true, "measure PyTorch too, if -python can import it")
	flag.Parse()
	if *quick {
		c.rounds, c.batches = 1, 5
	}
	var err error
	if c.threads, err = benchutil.ParseInts(*threads, 1); err != nil {
		fmt.Fprintln(os.Stderr, "cnn: -threads:", err)
		os.Exit(2)
	}
	if err := run(context.Background(), c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cnn:", err)
		os.Exit(1)
	}
}

// kinds of measurement.
const (
	train = "train"
	infer = "infer"
)

type key struct {
	mode    string
	threads int
	torch   bool
}

func run(ctx context.Context, c config, w io.Writer) error {
	fmt.Fprintf(w, "cnn: %s, %s/%s, %d CPUs, %s; batch %d, %d timed batches, %d rounds\n",
		time.Now().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), c.batch, c.batches, c.rounds)
	torches := map[int]*torchProc{}
	why := "not asked for (-torch=false)"
	if c.torch {
		why = ""
		dir, err := os.MkdirTemp("", "tune-bench-cnn")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		version, path, err := benchutil.Reference(c.python, dir, "import torch; print('PyTorch', torch.__version__)",
			"pytorch_cnn.py", torchScript, "install it with: apt-get install python3-torch")
		if err != nil {
			why = err.Error()
		} else {
			fmt.Fprintln(w, version)
			for _, t := range c.threads {
				p, err := startTorch(ctx, c.python, dir, path, t)
				if err != nil {
					return err
				}
				defer p.close()
				torches[t] = p
			}
		}
	}
	if why != "" {
		fmt.Fprintln(w, "PyTorch: not measured:", why)
	}
	res := map[key][]float64{}
	for r := range c.rounds {
		for _, t := range c.threads {
			for _, mode := range []string{train, infer} {
				v, err := measureTune(mode, t, c.batch, c.batches, uint64(r+1))
				if err != nil {
					return err
				}
				res[key{mode, t, false}] = append(res[key{mode, t, false}], v)
				if p := torches[t]; p != nil {
					v, err := p.measure(mode, c.batch, c.batches)
					if err != nil {
						return err
					}
					res[key{mode, t, true}] = append(res[key{mode, t, true}], v)
				}
			}
		}
		fmt.Fprintf(os.Stderr, "cnn: round %d of %d done\n", r+1, c.rounds)
	}
	report(w, c, res, len(torches) > 0)
	gemmTable(w, c)
	return nil
}

// seedCNN builds the Keras MNIST network.
func seedCNN(workers int, seed uint64) (*nn.Sequential, error) {
	m, err := nn.SeedCNN([]int{28, 28, 1}, 0, 0)
	if err != nil {
		return nil, err
	}
	m.Workers = workers
	m.Init(rand.New(rand.NewPCG(seed, 2)))
	return m, nil
}

// measureTune returns learn/nn's images per second for mode, with GOMAXPROCS
// and the model's Workers at threads: 5 untimed batches, then batches timed.
func measureTune(mode string, threads, batch, batches int, seed uint64) (float64, error) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
	m, err := seedCNN(threads, seed)
	if err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	x := tensor.New(batch, 28, 28, 1)
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	labels := make([]int32, batch)
	for i := range labels {
		labels[i] = int32(rng.IntN(10))
	}
	opt, err := optim.SGD{LR: 0.01}.New()
	if err != nil {
		return 0, err
	}
	step := func() error {
		if mode == train {
			_, err := m.TrainStep(x, nn.Targets{Labels: labels}, nn.SoftmaxCrossEntropy{}, opt)
			return err
		}
		_, err := m.Predict(x.Data, batch)
		return err
	}
	for range 5 {
		if err := step(); err != nil {
			return 0, err
		}
	}
	runtime.GC()
	start := time.Now()
	for range batches {
		if err := step(); err != nil {
			return 0, err
		}
	}
	return float64(batch*batches) / time.Since(start).Seconds(), nil
}

// torchProc is a running pytorch_cnn.py with its thread count fixed
// (OpenMP and OpenBLAS read theirs at start-up).
type torchProc struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startTorch(ctx context.Context, python, dir, path string, threads int) (*torchProc, error) {
	cmd := exec.CommandContext(ctx, python, path)
	cmd.Dir = dir
	n := fmt.Sprint(threads)
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+n, "OPENBLAS_NUM_THREADS="+n, "MKL_NUM_THREADS="+n)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &torchProc{cmd: cmd, in: in, out: bufio.NewScanner(out)}, nil
}

func (p *torchProc) measure(mode string, batch, batches int) (float64, error) {
	threads := 0
	for _, e := range p.cmd.Env {
		if v, ok := strings.CutPrefix(e, "OMP_NUM_THREADS="); ok {
			fmt.Sscan(v, &threads)
		}
	}
	req, _ := json.Marshal(map[string]any{"mode": mode, "threads": threads, "batch": batch, "batches": batches})
	if _, err := fmt.Fprintf(p.in, "%s\n", req); err != nil {
		return 0, fmt.Errorf("pytorch: %w", err)
	}
	if !p.out.Scan() {
		return 0, errors.New("pytorch: no answer (see its error output above)")
	}
	var ans struct {
		ImagesPerS float64 `json:"images_per_s"`
	}
	if err := json.Unmarshal(p.out.Bytes(), &ans); err != nil || ans.ImagesPerS <= 0 {
		return 0, fmt.Errorf("pytorch: bad answer %q", p.out.Text())
	}
	return ans.ImagesPerS, nil
}

func (p *torchProc) close() {
	p.in.Close()
	p.cmd.Wait()
}

// report prints the throughput table and the verdicts.
func report(w io.Writer, c config, res map[key][]float64, torch bool) {
	fmt.Fprintf(w, "\nimages per second, median of %d rounds (each tune's and PyTorch's measured one after the other)\n", c.rounds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mode\tthreads\ttune\tPyTorch\tratio\t")
	verdicts := []string{}
	for _, mode := range []string{train, infer} {
		for _, t := range c.threads {
			tu := benchutil.Median(res[key{mode, t, false}])
			row := fmt.Sprintf("%s\t%d\t%.0f\t", mode, t, tu)
			if torch {
				pt := benchutil.Median(res[key{mode, t, true}])
				q := tu / pt
				// The ratio of each round's pair, then the median, is
				// steadier on a noisy machine than the ratio of the medians.
				var qs []float64
				for i := range res[key{mode, t, false}] {
					qs = append(qs, res[key{mode, t, false}][i]/res[key{mode, t, true}][i])
				}
				q = benchutil.Median(qs)
				row += fmt.Sprintf("%.0f\t%.2fx\t", pt, q)
				if mode == train {
					verdicts = append(verdicts, fmt.Sprintf("  %-7s training at %d thread(s) at least 1.0x PyTorch's: %.2fx (rounds: %s)",
						benchutil.Verdict(q >= 1), t, q, ratios(qs)))
				}
			} else {
				row += "-\t-\t"
			}
			fmt.Fprintln(tw, row)
		}
	}
	tw.Flush()
	if len(verdicts) > 0 {
		fmt.Fprintln(w, "\ntargets:")
		for _, v := range verdicts {
			fmt.Fprintln(w, v)
		}
	}
}

func ratios(qs []float64) string {
	s := make([]string, len(qs))
	for i, q := range qs {
		s[i] = fmt.Sprintf("%.2f", q)
	}
	return strings.Join(s, " ")
}
