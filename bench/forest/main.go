// Command forest compares learn/forest and learn/modelsel with
// scikit-learn, side by side in one run:
//
//   - accuracy: 5-fold cross-validated accuracy of a 100-tree random forest
//     (default hyperparameters) on iris, digits and a 20,000-row synthetic
//     set, on the same folds, mean over 5 forest seeds;
//   - speed: the fit time of a 100-tree forest on the synthetic set and on
//     digits at 1 and 2 threads, interleaved rounds, medians;
//   - split search: fit time and accuracy with 32, 256 and 65,536 bins
//     per feature (the last exact) on the synthetic set;
//   - the classic RandomizedSearchCV example (iris, 10 candidates, 5
//     folds, n_jobs=-1): the search's wall time and best score;
//   - TPE versus random search (and TPE with pruning) over a wider forest
//     space on digits: best CV accuracy over 20 seeds.
//
// Run it from the repository root:
//
//	go run ./bench/forest          # about 15 minutes on 2 cores
//	go run ./bench/forest -quick   # smoke run
//
// See bench/README.md ("Forests and model selection") for the results.
package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-tune/tune/internal/benchutil"
	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/forest"
	"github.com/go-tune/tune/learn/modelsel"
)

//go:embed sklearn_forest.py
var script string

type config struct {
	seeds, rounds, searches int
	studies, trials         int
	threads                 []int
	python                  string
	sections                []string
}

func main() {
	var c config
	quick := flag.Bool("quick", false, "smoke run: 1 seed, 1 round, small synthetic set")
	flag.IntVar(&c.seeds, "seeds", 5, "forest seeds averaged in the accuracy table")
	flag.IntVar(&c.rounds, "rounds", 5, "interleaved timing rounds; the tables show medians")
	flag.IntVar(&c.searches, "searches", 5, "runs of the RandomizedSearchCV example per tool")
	threads := flag.String("threads", "1,2", "thread counts for the fit times")
	flag.StringVar(&c.python, "python", "/usr/bin/python3", "Python interpreter with scikit-learn")
	sections := flag.String("sections", "accuracy,fit,splits,search,tpe", "sections to run")
	flag.IntVar(&c.studies, "studies", 20, "seeds of the TPE versus random search comparison")
	flag.IntVar(&c.trials, "trials", 40, "candidates per search in the TPE versus random comparison")
	flag.Parse()
	var err error
	if c.threads, err = benchutil.ParseInts(*threads, 1); err != nil {
		fmt.Fprintln(os.Stderr, "forest: -threads:", err)
		os.Exit(2)
	}
	c.sections = benchutil.SplitList(*sections)
	synthRows := 20000
	if *quick {
		c.seeds, c.rounds, c.searches, c.studies, c.trials, synthRows = 1, 1, 1, 2, 8, 2000
	}
	if err := run(context.Background(), c, synthRows, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "forest:", err)
		os.Exit(1)
	}
}

type dataset struct {
	name string
	ds   *data.Dataset
	csv  string // path of the CSV that scikit-learn reads
}

// synthetic is the 20,000-row set: 20 features (10 informative, 5
// redundant), 3 classes, 2% of labels flipped.
func synthetic(rows int) (*data.Dataset, error) {
	return data.MakeClassification(data.ClassificationConfig{
		Samples: rows, Features: 20, Informative: 10, Redundant: 5, Classes: 3, FlipY: 0.02,
	}, rand.New(rand.NewPCG(20000, 1)))
}

func run(ctx context.Context, c config, synthRows int, w io.Writer) error {
	fmt.Fprintf(w, "forest: %s, %s/%s, %d CPUs, %s\n", time.Now().Format("2006-01-02"),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	dir, err := os.MkdirTemp("", "tune-bench-forest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	version, path, err := benchutil.Reference(c.python, dir, "import sklearn; print('scikit-learn', sklearn.__version__)",
		"sklearn_forest.py", script, "install it with: apt-get install python3-sklearn")
	if err != nil {
		return fmt.Errorf("scikit-learn is needed for the side-by-side tables: %w", err)
	}
	fmt.Fprintln(w, version)
	synth, err := synthetic(synthRows)
	if err != nil {
		return err
	}
	sets := []*dataset{
		{name: "iris", ds: data.Iris()},
		{name: "digits", ds: data.Digits()},
		{name: fmt.Sprintf("synthetic %dk", synthRows/1000), ds: synth},
	}
	for _, s := range sets {
		s.csv = filepath.Join(dir, strings.ReplaceAll(s.name, " ", "_")+".csv")
		if err := writeCSV(s.csv, s.ds); err != nil {
			return err
		}
	}
	py := &python{bin: c.python, script: path}
	for _, sec := range c.sections {
		switch sec {
		case "accuracy":
			err = accuracy(ctx, w, c, py, sets)
		case "fit":
			err = fitTimes(ctx, w, c, py, sets[1:])
		case "search":
			err = searchTimes(ctx, w, c, py)
		case "splits":
			err = splitSearch(ctx, w, c, sets[2])
		case "tpe":
			err = tpeVersusRandom(ctx, w, c)
		default:
			err = fmt.Errorf("unknown section %q (accuracy, fit, splits, search, tpe)", sec)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func writeCSV(path string, ds *data.Dataset) error {
	var b bytes.Buffer
	d := ds.NumFeatures()
	for j := range d {
		fmt.Fprintf(&b, "f%d,", j)
	}
	b.WriteString("label\n")
	for i := range ds.N() {
		for _, v := range ds.Row(i) {
			b.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d\n", ds.Y[i])
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// python runs the scikit-learn script and decodes its JSON lines.
type python struct{ bin, script string }

func (p *python) run(ctx context.Context, threads int, args ...string) ([]map[string]any, error) {
	cmd := exec.CommandContext(ctx, p.bin, append([]string{p.script}, args...)...)
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+strconv.Itoa(max(threads, 1)), "PYTHONWARNINGS=ignore")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("scikit-learn %s: %w: %s", args[0], err, benchutil.LastLine(stderr.Bytes()))
	}
	var res []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if !bytes.HasPrefix(sc.Bytes(), []byte("{")) {
			continue // a verbose line of scikit-learn's worker processes
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("scikit-learn %s printed %q: %w", args[0], sc.Text(), err)
		}
		res = append(res, m)
	}
	return res, nil
}

// accuracy compares 5-fold accuracy on the same folds, mean over seeds.
func accuracy(ctx context.Context, w io.Writer, c config, py *python, sets []*dataset) error {
	fmt.Fprintf(w, "\n## Accuracy: 5-fold CV of a 100-tree forest (default hyperparameters), mean over %d seeds\n\n", c.seeds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "dataset\trows\ttune\tscikit-learn\tdifference\twithin 1 pp")
	for _, s := range sets {
		folds, err := modelsel.StratifiedKFold{K: 5, Shuffle: true, Seed: 1}.Split(s.ds)
		if err != nil {
			return err
		}
		tests := make([][]int, len(folds))
		for i, f := range folds {
			tests[i] = f.Test
		}
		foldsPath := s.csv + ".folds.json"
		raw, _ := json.Marshal(tests)
		if err := os.WriteFile(foldsPath, raw, 0o644); err != nil {
			return err
		}
		var tuneAcc, skAcc []float64
		acc, err := modelsel.Scorers("accuracy")
		if err != nil {
			return err
		}
		seeds := make([]string, c.seeds)
		for seed := range c.seeds {
			seeds[seed] = strconv.Itoa(seed + 1)
			for _, f := range folds {
				est := forest.NewClassifier(forest.Config{Trees: 100, Seed: uint64(seed + 1), Jobs: -1})
				fr := modelsel.FitAndScore(ctx, est, s.ds, f, acc, false)
				if fr.Err != nil {
					return fr.Err
				}
				tuneAcc = append(tuneAcc, fr.Test["accuracy"])
			}
		}
		res, err := py.run(ctx, runtime.NumCPU(), append([]string{"cv", s.csv, foldsPath}, seeds...)...)
		if err != nil {
			return err
		}
		for _, r := range res {
			for _, a := range r["acc"].([]any) {
				skAcc = append(skAcc, a.(float64))
			}
		}
		t, sk := mean(tuneAcc), mean(skAcc)
		diff := 100 * (t - sk)
		fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%+.2f pp\t%s\n", s.name, s.ds.N(), t, sk, diff, benchutil.Verdict(math.Abs(diff) <= 1))
		fmt.Fprintf(os.Stderr, "forest: accuracy on %s done\n", s.name)
	}
	return tw.Flush()
}

// fitTimes times 100-tree forests, tune and scikit-learn interleaved.
func fitTimes(ctx context.Context, w io.Writer, c config, py *python, sets []*dataset) error {
	type key struct {
		set     string
		threads int
	}
	tuneT, skT := map[key][]float64{}, map[key][]float64{}
	for r := range c.rounds {
		for _, s := range sets {
			for _, th := range c.threads {
				k := key{s.name, th}
				secs, err := timeFit(ctx, s.ds, th, uint64(r+1))
				if err != nil {
					return err
				}
				tuneT[k] = append(tuneT[k], secs)
				res, err := py.run(ctx, th, "fit", s.csv, strconv.Itoa(th), "1")
				if err != nil {
					return err
				}
				skT[k] = append(skT[k], res[0]["seconds"].(float64))
			}
		}
		fmt.Fprintf(os.Stderr, "forest: fit round %d of %d done\n", r+1, c.rounds)
	}
	fmt.Fprintf(w, "\n## Fit time of a 100-tree forest, median of %d interleaved rounds\n\n", c.rounds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "dataset\tthreads\ttune\tscikit-learn\ttune / scikit-learn\tat most scikit-learn's")
	for _, s := range sets {
		for _, th := range c.threads {
			k := key{s.name, th}
			t, sk := benchutil.Median(tuneT[k]), benchutil.Median(skT[k])
			fmt.Fprintf(tw, "%s (%dx%d)\t%d\t%.3fs\t%.3fs\t%.2fx\t%s\n", s.name, s.ds.N(), s.ds.NumFeatures(), th, t, sk, t/sk, benchutil.Verdict(t <= sk))
		}
	}
	return tw.Flush()
}

func timeFit(ctx context.Context, ds *data.Dataset, threads int, seed uint64) (float64, error) {
	return timeFitConfig(ctx, ds, forest.Config{Trees: 100, Jobs: threads, Seed: seed}, threads)
}

// timeFitConfig times one fit with GOMAXPROCS at threads.
func timeFitConfig(ctx context.Context, ds *data.Dataset, cfg forest.Config, threads int) (float64, error) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
	runtime.GC()
	f := forest.NewClassifier(cfg)
	start := time.Now()
	if err := f.Fit(ctx, ds); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}

// searchTimes runs the classic example in both tools: tune's in this
// process (as examples/iris-search does), scikit-learn's in Python.
func searchTimes(ctx context.Context, w io.Writer, c config, py *python) error {
	var tuneT, skT, skProc, tuneBest, skBest []float64
	for r := range c.searches {
		start := time.Now()
		res, err := modelsel.RandomizedSearch{
			Estimator: modelsel.FromConfig(forest.Config{}, forest.NewClassifier),
			Space: modelsel.Space{
				"n_estimators": modelsel.Values{10, 50, 100, 200},
				"max_features": modelsel.Values{"auto", "sqrt", "log2"},
				"max_depth":    modelsel.Values{nil, 10, 20, 30},
			},
			Iter: 10, Seed: uint64(42 + r),
			SearchConfig: modelsel.SearchConfig{Verbose: 2, Log: io.Discard, CVConfig: modelsel.CVConfig{Jobs: -1}},
		}.Fit(ctx, data.Iris())
		if err != nil {
			return err
		}
		tuneT = append(tuneT, time.Since(start).Seconds())
		tuneBest = append(tuneBest, res.BestScore)
		start = time.Now()
		out, err := py.run(ctx, runtime.NumCPU(), "search", strconv.Itoa(42+r))
		if err != nil {
			return err
		}
		skProc = append(skProc, time.Since(start).Seconds())
		skT = append(skT, out[0]["fit_seconds"].(float64))
		skBest = append(skBest, out[0]["best_score"].(float64))
	}
	fmt.Fprintf(w, "\n## The RandomizedSearchCV example (iris, 10 candidates x 5 folds, all cores), median of %d runs\n\n", c.searches)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tool\tsearch wall time\tbest score (median)\tbest scores")
	fmt.Fprintf(tw, "tune\t%.3fs\t%.4f\t%s\n", benchutil.Median(tuneT), benchutil.Median(tuneBest), list(tuneBest))
	fmt.Fprintf(tw, "scikit-learn\t%.3fs\t%.4f\t%s\n", benchutil.Median(skT), benchutil.Median(skBest), list(skBest))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\ntune / scikit-learn wall time: %.3fx; at most scikit-learn's: %s (the whole Python process, imports included: %.2fs)\n",
		benchutil.Median(tuneT)/benchutil.Median(skT), benchutil.Verdict(benchutil.Median(tuneT) <= benchutil.Median(skT)), benchutil.Median(skProc))
	return nil
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func list(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.4f", x)
	}
	return strings.Join(parts, " ")
}
