package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/runner"
)

const usage = `tune runs and inspects hyperparameter studies.

Usage:
  tune run STUDY.yaml [--force]  run the study the file describes; run it again to resume
  tune worker --study NAME [--storage URL] [--parallel N]
                                 join a study made by tune run, from any machine
  tune studies [--storage URL]   list the studies of a storage
  tune trials NAME [--storage URL] [--format table|csv|json]
  tune best NAME [--storage URL]
  tune enqueue NAME key=value ... [--storage URL]   the next trial takes these parameters
  tune delete NAME [--storage URL]
  tune ask NAME [--storage URL]  start a trial; prints {"number": N, "params": {...}}
  tune tell NAME N VALUE... | tell NAME N --pruned | tell NAME N --fail REASON
  tune export NAME [--storage URL] > study.json    a portable JSON dump
  tune import FILE.json [--name NAME] [--storage URL]
  tune version

The storage defaults to sqlite:///tune.db in the working directory.
`

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stdout, stderr)
	case "worker":
		err = cmdWorker(ctx, args[1:], stdout, stderr)
	case "studies":
		err = cmdStudies(ctx, args[1:], stdout)
	case "trials":
		err = cmdTrials(ctx, args[1:], stdout)
	case "best":
		err = cmdBest(ctx, args[1:], stdout)
	case "enqueue":
		err = cmdEnqueue(ctx, args[1:], stdout)
	case "delete":
		err = cmdDelete(ctx, args[1:], stdout)
	case "ask":
		err = cmdAsk(ctx, args[1:], stdout)
	case "tell":
		err = cmdTell(ctx, args[1:], stdout)
	case "export":
		err = cmdExport(ctx, args[1:], stdout)
	case "import":
		err = cmdImport(ctx, args[1:], stdout)
	case "version":
		fmt.Fprintln(stdout, "tune", version())
	case "help", "-h", "--help":
		if len(args) > 1 && args[1] == "config" {
			fmt.Fprint(stdout, configHelp)
		} else {
			fmt.Fprint(stdout, usage)
		}
	default:
		fmt.Fprintf(stderr, "tune: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "tune %s: %v\n", args[0], err)
			return 2
		}
		fmt.Fprintf(stderr, "tune %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

type usageError struct{ error }

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quiet := fs.Bool("quiet", false, "print only the result")
	verbose := fs.Bool("verbose", false, "print a line per trial, even on a terminal")
	force := fs.Bool("force", false, "run against an existing study whose space or directions differ")
	heartbeat := fs.Duration("heartbeat", 0, "how often a running trial records that it is alive (0: 10s); one silent for 4 intervals is failed by another worker")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("want one study file")}
	}
	path := fs.Arg(0)
	cfg, err := runner.LoadConfig(path)
	if err != nil {
		return err
	}
	opts := runner.Options{Dir: filepath.Dir(path), Force: *force, Heartbeat: *heartbeat}
	switch {
	case *quiet:
	case *verbose || !isTerminal(stdout):
		opts.Log = stdout
	default:
		opts.Progress = stdout
	}
	study, err := runner.Run(ctx, cfg, opts)
	if study != nil {
		if best, berr := study.BestTrial(context.WithoutCancel(ctx)); berr == nil {
			fmt.Fprintf(stdout, "best: trial %d, %v, %v\n", best.Number, best.Values, best.ParamValues())
		}
	}
	if errors.Is(err, context.Canceled) {
		return errors.New("interrupted; running it again resumes the study")
	}
	return err
}

func cmdWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := storageFlag(fs)
	name := fs.String("study", "", "the study to join")
	parallel := fs.Int("parallel", 0, "trials at once (0: the study file's)")
	heartbeat := fs.Duration("heartbeat", 0, "how often a running trial records that it is alive (0: 10s)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *name == "" {
		return usageError{errors.New("--study is required")}
	}
	st, err := runner.OpenStorage(ctx, *url, *heartbeat)
	if err != nil {
		return err
	}
	cfg, err := runner.LoadStoredConfig(ctx, st, *name)
	if err != nil {
		return err
	}
	if *parallel > 0 {
		cfg.Parallel = *parallel
	}
	_, err = runner.Run(ctx, cfg, runner.Options{Dir: ".", Storage: st, Log: stdout})
	if errors.Is(err, context.Canceled) {
		return errors.New("interrupted")
	}
	return err
}

func storageFlag(fs *flag.FlagSet) *string {
	return fs.String("storage", "sqlite:///tune.db", "storage URL")
}

func cmdStudies(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("studies", flag.ContinueOnError)
	url := storageFlag(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	st, err := tune.OpenStorage(ctx, *url)
	if err != nil {
		return err
	}
	studies, err := st.Studies(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDIRECTIONS\tTRIALS")
	for _, s := range studies {
		study, err := tune.LoadStudy(ctx, s.Name, tune.WithStorage(st))
		if err != nil {
			return err
		}
		trials, err := study.Trials(ctx)
		if err != nil {
			return err
		}
		var dirs []string
		for _, d := range s.Directions {
			dirs = append(dirs, strings.ToLower(d.String()))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\n", s.Name, strings.Join(dirs, ","), len(trials))
	}
	return tw.Flush()
}

func loadNamed(ctx context.Context, fs *flag.FlagSet, args []string) (*tune.Study, error) {
	url := storageFlag(fs)
	// The study name may come before or after the flags.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err}
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	if name == "" {
		return nil, usageError{errors.New("want a study name")}
	}
	st, err := tune.OpenStorage(ctx, *url)
	if err != nil {
		return nil, err
	}
	return tune.LoadStudy(ctx, name, tune.WithStorage(st))
}

func cmdTrials(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("trials", flag.ContinueOnError)
	format := fs.String("format", "table", "table, csv or json")
	study, err := loadNamed(ctx, fs, args)
	if err != nil {
		return err
	}
	trials, err := study.Trials(ctx)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, t := range trials {
		for k := range t.ParamValues() {
			names[k] = true
		}
	}
	params := make([]string, 0, len(names))
	for k := range names {
		params = append(params, k)
	}
	sort.Strings(params)
	header := append([]string{"number", "state", "values"}, params...)
	rows := make([][]string, 0, len(trials))
	for _, t := range trials {
		vals := make([]string, len(t.Values))
		for i, v := range t.Values {
			vals[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		row := []string{strconv.Itoa(t.Number), strings.ToLower(t.State.String()), strings.Join(vals, " ")}
		pv := t.ParamValues()
		for _, p := range params {
			if v, ok := pv[p]; ok {
				row = append(row, fmt.Sprint(v))
			} else {
				row = append(row, "")
			}
		}
		rows = append(rows, row)
	}
	switch *format {
	case "table":
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(header, "\t")))
		for _, r := range rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		return tw.Flush()
	case "csv":
		w := csv.NewWriter(stdout)
		_ = w.Write(header)
		_ = w.WriteAll(rows)
		return w.Error()
	case "json":
		type jt struct {
			Number int            `json:"number"`
			State  string         `json:"state"`
			Values []float64      `json:"values"`
			Params map[string]any `json:"params"`
		}
		out := make([]jt, len(trials))
		for i, t := range trials {
			out[i] = jt{t.Number, strings.ToLower(t.State.String()), t.Values, t.ParamValues()}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return usageError{fmt.Errorf("--format %q: want table, csv or json", *format)}
}

func cmdBest(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("best", flag.ContinueOnError)
	study, err := loadNamed(ctx, fs, args)
	if err != nil {
		return err
	}
	best, err := study.BestTrial(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "trial %d: %v\n", best.Number, best.Values)
	pv := best.ParamValues()
	keys := make([]string, 0, len(pv))
	for k := range pv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(stdout, "  %s = %v\n", k, pv[k])
	}
	return nil
}

func cmdDelete(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("delete", flag.ContinueOnError)
	url := storageFlag(fs)
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	if name == "" {
		return usageError{errors.New("want a study name")}
	}
	st, err := tune.OpenStorage(ctx, *url)
	if err != nil {
		return err
	}
	if err := tune.DeleteStudy(ctx, st, name); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deleted study %s\n", name)
	return nil
}

// cmdEnqueue adds a trial with fixed parameters: key=value pairs, values
// read as numbers, booleans or null where they parse so, else strings.
func cmdEnqueue(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("enqueue", flag.ContinueOnError)
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	var pairs []string
	var rest []string
	for _, a := range args {
		if strings.Contains(a, "=") && !strings.HasPrefix(a, "-") {
			pairs = append(pairs, a)
		} else {
			rest = append(rest, a)
		}
	}
	study, err := loadNamed(ctx, fs, append([]string{name}, rest...))
	if err != nil {
		return err
	}
	if len(pairs) == 0 {
		return usageError{errors.New("want key=value parameters")}
	}
	params := map[string]any{}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		params[k] = scalar(v)
	}
	n, err := study.Enqueue(ctx, params)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "enqueued trial %d\n", n)
	return nil
}

func scalar(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	return s
}

// isTerminal reports whether w is a terminal, where a live progress line
// replaces the per-trial lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// nameAndFlags splits a leading positional argument from the flags.
func nameAndFlags(fs *flag.FlagSet, args []string) (string, error) {
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", usageError{err}
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	if name == "" {
		return "", usageError{errors.New("want a name")}
	}
	return name, nil
}

func cmdExport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	url := storageFlag(fs)
	name, err := nameAndFlags(fs, args)
	if err != nil {
		return err
	}
	st, err := tune.OpenStorage(ctx, *url)
	if err != nil {
		return err
	}
	return runner.Export(ctx, st, name, stdout)
}

func cmdImport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	url := storageFlag(fs)
	as := fs.String("name", "", "the study's name in the storage (default: the dump's)")
	file, err := nameAndFlags(fs, args)
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := tune.OpenStorage(ctx, *url)
	if err != nil {
		return err
	}
	n, err := runner.Import(ctx, st, f, *as)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d trials\n", n)
	return nil
}
