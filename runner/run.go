package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/template"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/rdb"
)

// Options are a run's settings that do not belong to the study file.
type Options struct {
	// Dir is the study file's directory: the default working directory
	// of the command, and what relative data paths start from.
	Dir string
	// StateDir is where the default storage (tune.db) and the logs go:
	// the working directory of `tune run`; "" means ".".
	StateDir string
	// LogDir holds one log file per trial; "" means
	// StateDir/tune-logs/<study>.
	LogDir string
	// Log receives one line per finished trial; nil means none.
	Log io.Writer
	// Progress, if set (a terminal), shows a live status line instead.
	Progress io.Writer
	// Grace is how long a program has to exit after SIGTERM before
	// SIGKILL; 0 means 5s.
	Grace time.Duration
	// Storage, if set, is used instead of opening cfg.Storage.
	Storage storage.Storage
	// Heartbeat is how often a running trial records that it is alive in
	// a database storage; a trial silent for 4 intervals (its worker was
	// killed) is failed by another worker. 0 means 10s.
	Heartbeat time.Duration
	// Force runs the file against an existing study whose space or
	// directions differ from the file's (the file is stored anew).
	Force bool
}

// openStorage opens url, with the heartbeat interval for databases.
func openStorage(ctx context.Context, url string, heartbeat time.Duration) (storage.Storage, error) {
	if heartbeat == 0 || url == "" || url == "memory" {
		return tune.OpenStorage(ctx, url)
	}
	return rdb.OpenWith(ctx, url, rdb.Options{HeartbeatInterval: heartbeat})
}

// OpenStorage opens url as Run does, with the given heartbeat interval
// (0: 10s) for databases.
func OpenStorage(ctx context.Context, url string, heartbeat time.Duration) (storage.Storage, error) {
	return openStorage(ctx, url, heartbeat)
}

// StudyFileAttr is the study system attribute that holds the study file
// the study was created from, so that `tune worker` can join it.
const StudyFileAttr = "tune:study_file"

// ErrTooManyFailures is returned by Run when MaxFailures trials in a row
// failed.
var ErrTooManyFailures = errors.New("runner: too many consecutive failures")

// Run runs the study of cfg until it has cfg.Trials finished trials (those
// of earlier runs count, so running it again resumes), its timeout passes,
// or ctx is cancelled.
func Run(ctx context.Context, cfg *Config, opts Options) (*tune.Study, error) {
	if opts.Dir == "" {
		opts.Dir = "."
	}
	if opts.Grace == 0 {
		opts.Grace = 5 * time.Second
	}
	if opts.StateDir == "" {
		opts.StateDir = "."
	}
	if opts.LogDir == "" {
		opts.LogDir = filepath.Join(opts.StateDir, "tune-logs", cfg.Study)
	}
	r := &run{cfg: cfg, opts: opts}
	objective := r.objective
	if cfg.Model != nil {
		obj, err := modelObjective(cfg, opts.Dir)
		if err != nil {
			return nil, err
		}
		objective = obj
	} else {
		argv, err := compileCommand(cfg)
		if err != nil {
			return nil, err
		}
		if err := checkProgram(cfg, opts.Dir); err != nil {
			return nil, err
		}
		r.argv = argv
	}
	smp, err := NewSampler(cfg.Sampler)
	if err != nil {
		return nil, err
	}
	prn, err := NewPruner(cfg.Pruner)
	if err != nil {
		return nil, err
	}
	st := opts.Storage
	if st == nil {
		url := cfg.Storage
		if url == "" {
			url = "sqlite:///" + filepath.Join(opts.StateDir, "tune.db")
		}
		if st, err = openStorage(ctx, url, opts.Heartbeat); err != nil {
			return nil, err
		}
	}
	var dirs []tune.Direction
	for _, d := range cfg.directionList() {
		dd, err := core.ParseDirection(d)
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, dd)
	}
	topts := []tune.Option{tune.WithStorage(st), tune.WithSampler(smp), tune.WithPruner(prn),
		tune.WithDirections(dirs...), tune.LoadIfExists()}
	if cfg.Seed != 0 {
		topts = append(topts, tune.WithSeed(cfg.Seed))
	}
	study, err := tune.CreateStudy(ctx, cfg.Study, topts...)
	if err != nil {
		return nil, err
	}
	if err := storeFile(ctx, st, study, cfg, opts.Force); err != nil {
		return nil, err
	}
	if cfg.Model == nil {
		if err := os.MkdirAll(opts.LogDir, 0o755); err != nil {
			return nil, err
		}
	}
	left := 0
	if cfg.Trials > 0 {
		done, err := study.Trials(ctx, tune.Complete, tune.Pruned, tune.Fail)
		if err != nil {
			return nil, err
		}
		if left = cfg.Trials - len(done); left <= 0 {
			return study, nil
		}
	}
	if len(cfg.GPUs) > 0 || len(cfg.Slots) > 0 {
		slots := cfg.Slots
		for _, g := range cfg.GPUs {
			slots = append(slots, map[string]string{"CUDA_VISIBLE_DEVICES": g})
		}
		r.slots = make(chan map[string]string, len(slots))
		for _, s := range slots {
			r.slots <- s
		}
		// A trial waits for a free slot, so more parallel trials than
		// slots would only wait.
		cfg.Parallel = min(max(cfg.Parallel, 1), len(slots))
	}
	maxFail := cfg.MaxFailures
	if maxFail == 0 {
		maxFail = 5
	}
	var (
		mu      sync.Mutex
		streak  int
		lastErr string
		stopped bool
	)
	callback := func(s *tune.Study, t tune.FrozenTrial) {
		// Other processes (tune worker) share the budget: stop once the
		// study has its trials, counting those running elsewhere, as
		// Optuna's MaxTrialsCallback does (each process may finish the
		// trials it has already started).
		if cfg.Trials > 0 {
			if all, err := s.Trials(ctx, tune.Complete, tune.Pruned, tune.Fail, tune.Running); err == nil && len(all) >= cfg.Trials {
				s.Stop()
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if opts.Log != nil {
			fmt.Fprintln(opts.Log, describe(t))
		}
		if t.State == tune.Fail {
			streak++
			lastErr, _ = t.SystemAttrs[tune.FailReasonAttr].(string)
			if streak >= maxFail && !stopped {
				stopped = true
				s.Stop()
			}
		} else {
			streak = 0
		}
	}
	parallel := max(cfg.Parallel, 1)
	if opts.Progress != nil {
		done, _ := study.Trials(ctx, tune.Complete, tune.Pruned, tune.Fail)
		p := &progress{w: opts.Progress, total: cfg.Trials, start: time.Now(), base: len(done)}
		stop := make(chan struct{})
		finished := make(chan struct{})
		go func() { p.run(ctx, study, stop); close(finished) }()
		defer func() { close(stop); <-finished }()
	}
	err = study.OptimizeMulti(ctx, objective, tune.OptimizeOptions{
		Trials: left, Workers: parallel, Timeout: time.Duration(cfg.Timeout), Callbacks: []tune.Callback{callback},
	})
	if err != nil {
		return study, err
	}
	if stopped {
		return study, fmt.Errorf("%w: %d trials in a row failed; the last: %s", ErrTooManyFailures, streak, lastErr)
	}
	if ctx.Err() != nil {
		return study, ctx.Err()
	}
	return study, nil
}

// storeFile records the study file with the study, or checks that the
// one recorded describes the same space and directions.
func storeFile(ctx context.Context, st storage.Storage, study *tune.Study, cfg *Config, force bool) error {
	attrs, err := study.SystemAttrs(ctx)
	if err != nil {
		return err
	}
	if old, ok := attrs[StudyFileAttr].(string); ok && !force {
		prev, err := ParseConfig("the stored study file", []byte(old))
		if err == nil {
			if diff := differences(prev, cfg); diff != "" {
				return fmt.Errorf("runner: study %q exists with a different %s; use another study name, or --force", cfg.Study, diff)
			}
			return nil
		}
	}
	info, err := st.LoadStudy(ctx, cfg.Study)
	if err != nil {
		return err
	}
	return st.SetStudySystemAttr(ctx, info.ID, StudyFileAttr, cfg.raw)
}

// differences names what differs between two study files' directions and
// spaces, or returns "".
func differences(a, b *Config) string {
	if fmt.Sprint(a.directionList()) != fmt.Sprint(b.directionList()) {
		return fmt.Sprintf("direction: %v there, %v here", a.directionList(), b.directionList())
	}
	if len(a.Space) != len(b.Space) {
		return fmt.Sprintf("space: %d parameters there, %d here", len(a.Space), len(b.Space))
	}
	for i := range a.Space {
		p, q := a.Space[i], b.Space[i]
		if p.Name != q.Name || p.describe() != q.describe() {
			return fmt.Sprintf("space: parameter %d is %s %s there, %s %s here", i+1, p.Name, p.describe(), q.Name, q.describe())
		}
	}
	return ""
}

func (p Param) describe() string {
	switch p.Type {
	case "categorical":
		return fmt.Sprintf("categorical %v", p.Choices)
	case "":
		return "absent"
	}
	s := fmt.Sprintf("%s [%v, %v]", p.Type, *p.Low, *p.High)
	if p.Log {
		s += " log"
	}
	if p.Step > 0 {
		s += fmt.Sprintf(" step %v", p.Step)
	}
	if len(p.When) > 0 {
		s += fmt.Sprintf(" when %v", p.When)
	}
	return s
}

// LoadStoredConfig returns the study file stored with study name, for a
// worker that joins it.
func LoadStoredConfig(ctx context.Context, st storage.Storage, name string) (*Config, error) {
	study, err := tune.LoadStudy(ctx, name, tune.WithStorage(st))
	if err != nil {
		return nil, err
	}
	attrs, err := study.SystemAttrs(ctx)
	if err != nil {
		return nil, err
	}
	raw, ok := attrs[StudyFileAttr].(string)
	if !ok {
		return nil, fmt.Errorf("runner: study %q has no study file; it was not made by tune run", name)
	}
	return ParseConfig("study "+name, []byte(raw))
}

func describe(t tune.FrozenTrial) string {
	var b strings.Builder
	fmt.Fprintf(&b, "trial %d %s", t.Number, strings.ToLower(t.State.String()))
	if len(t.Values) > 0 {
		fmt.Fprintf(&b, " %v", t.Values)
	}
	if r, ok := t.SystemAttrs[tune.FailReasonAttr].(string); ok {
		first, _, _ := strings.Cut(r, "\n")
		fmt.Fprintf(&b, ": %s", first)
	}
	fmt.Fprintf(&b, " %v", t.ParamValues())
	return b.String()
}

// checkProgram fails, before anything is stored, when the command's
// program (if it is not a template) cannot be found.
func checkProgram(cfg *Config, dir string) error {
	prog := cfg.Command[0]
	if strings.Contains(prog, "{{") {
		return nil
	}
	wd := cfg.Workdir
	if wd == "" {
		wd = dir
	} else if !filepath.IsAbs(wd) {
		wd = filepath.Join(dir, wd)
	}
	if strings.Contains(prog, "/") {
		p := prog
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		if fi, err := os.Stat(p); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return fmt.Errorf("runner: command %q: no executable file %s", prog, p)
		}
		return nil
	}
	if _, err := exec.LookPath(prog); err != nil {
		return fmt.Errorf("runner: command %q is not on the PATH", prog)
	}
	return nil
}

// compileCommand parses the command's templates and checks that they name
// only parameters of the space.
func compileCommand(cfg *Config) ([]*template.Template, error) {
	probe := map[string]any{}
	for _, p := range cfg.Space {
		probe[p.Name] = 1
	}
	var out []*template.Template
	for i, a := range cfg.Command {
		t, err := template.New(strconv.Itoa(i)).Option("missingkey=error").Parse(a)
		if err != nil {
			return nil, fmt.Errorf("runner: command[%d] %q: %w", i, a, err)
		}
		if err := t.Execute(io.Discard, probe); err != nil {
			return nil, fmt.Errorf("runner: command[%d] %q names a parameter that the space does not have: %w", i, a, err)
		}
		out = append(out, t)
	}
	return out, nil
}

type run struct {
	cfg   *Config
	opts  Options
	argv  []*template.Template
	slots chan map[string]string
}

// Suggest asks trial t for the parameters of space whose conditions hold
// and returns them by name.
func Suggest(t *tune.Trial, space Space) (map[string]any, error) { return suggest(t, space) }

// suggest asks the trial for the parameters whose conditions hold.
func suggest(t *tune.Trial, space Space) (map[string]any, error) {
	params := map[string]any{}
	for _, p := range space {
		active := true
		for name, want := range p.When {
			if v, ok := params[name]; !ok || fmt.Sprint(v) != fmt.Sprint(want) {
				active = false
			}
		}
		if !active {
			continue
		}
		var (
			v   any
			err error
		)
		switch p.Type {
		case "float":
			var opts []tune.ParamOption
			if p.Log {
				opts = append(opts, tune.Log())
			}
			if p.Step > 0 {
				opts = append(opts, tune.Step(p.Step))
			}
			v, err = t.Float(p.Name, *p.Low, *p.High, opts...)
		case "int":
			var opts []tune.ParamOption
			if p.Log {
				opts = append(opts, tune.Log())
			}
			if p.Step > 0 {
				opts = append(opts, tune.Step(p.Step))
			}
			v, err = t.Int(p.Name, int(*p.Low), int(*p.High), opts...)
		case "categorical":
			v, err = t.Categorical(p.Name, p.Choices...)
		}
		if err != nil {
			return nil, err
		}
		params[p.Name] = v
	}
	return params, nil
}

// envName is a parameter's environment variable: TUNE_PARAM_<NAME>.
func envName(name string) string {
	return "TUNE_PARAM_" + strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, name)
}

// objective runs the command for one trial.
func (r *run) objective(ctx context.Context, t *tune.Trial) ([]float64, error) {
	params, err := suggest(t, r.cfg.Space)
	if err != nil {
		return nil, err
	}
	args := make([]string, len(r.argv))
	for i, tmpl := range r.argv {
		var b strings.Builder
		if err := tmpl.Execute(&b, params); err != nil {
			return nil, fmt.Errorf("command[%d]: %w", i, err)
		}
		args[i] = b.String()
	}
	logPath := filepath.Join(r.opts.LogDir, fmt.Sprintf("trial-%d.log", t.Number()))
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	_ = t.SetUserAttr("log", logPath)

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = r.cfg.Workdir
	if cmd.Dir == "" {
		cmd.Dir = r.opts.Dir
	} else if !filepath.IsAbs(cmd.Dir) {
		cmd.Dir = filepath.Join(r.opts.Dir, cmd.Dir)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = os.Environ()
	for _, k := range sortedKeys(r.cfg.Env) {
		cmd.Env = append(cmd.Env, k+"="+r.cfg.Env[k])
	}
	for _, k := range sortedKeys(params) {
		cmd.Env = append(cmd.Env, envName(k)+"="+fmt.Sprint(params[k]))
	}
	cmd.Env = append(cmd.Env, "TUNE_TRIAL_NUMBER="+strconv.Itoa(t.Number()), "TUNE_STUDY="+r.cfg.Study)
	if r.slots != nil {
		slot := <-r.slots
		defer func() { r.slots <- slot }()
		for _, k := range sortedKeys(slot) {
			cmd.Env = append(cmd.Env, k+"="+slot[k])
		}
	}
	logs := &tail{w: logFile}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	source := r.cfg.MetricsFrom
	// A metrics file: $TUNE_TRIAL_NUMBER in its name is the trial's
	// number; a file left by an earlier trial is removed first, so that
	// its lines are not read as this trial's.
	var metricsPath string
	if p, ok := strings.CutPrefix(source, "file:"); ok {
		metricsPath = filepath.Join(cmd.Dir, os.Expand(p, func(k string) string {
			if k == "TUNE_TRIAL_NUMBER" {
				return strconv.Itoa(t.Number())
			}
			return os.Getenv(k)
		}))
		if err := os.Remove(metricsPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("the metrics file: %w", err)
		}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", args[0], err)
	}
	m := &metrics{names: r.cfg.metricList(), last: map[string]float64{}}
	var (
		stopOnce sync.Once
		why      string
		whyMu    sync.Mutex
	)
	terminate := func(reason string) {
		stopOnce.Do(func() {
			whyMu.Lock()
			why = reason
			whyMu.Unlock()
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			time.AfterFunc(r.opts.Grace, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
		})
	}
	var wg sync.WaitGroup
	read := func(rd io.Reader, parse bool) {
		defer wg.Done()
		sc := bufio.NewScanner(rd)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			logs.line(line)
			if !parse {
				continue
			}
			if prune, err := m.take(t, line); err != nil {
				terminate("bad metric line: " + err.Error())
			} else if prune {
				terminate("pruned")
			}
		}
	}
	wg.Add(2)
	go read(stdout, source == "" || source == "stdout")
	go read(stderr, source == "stderr")
	done := make(chan struct{})
	var follow *follower
	followed := make(chan struct{})
	if metricsPath != "" {
		follow = &follower{path: metricsPath}
		go func() {
			defer close(followed)
			take := func(line string) {
				if prune, err := m.take(t, line); err != nil {
					terminate("bad metric line: " + err.Error())
				} else if prune {
					terminate("pruned")
				}
			}
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					follow.poll(take, true)
					return
				case <-tick.C:
					follow.poll(take, false)
				}
			}
		}()
	} else {
		close(followed)
	}
	go func() {
		var timeout <-chan time.Time
		if d := time.Duration(r.cfg.TrialTimeout); d > 0 {
			timer := time.NewTimer(d)
			defer timer.Stop()
			timeout = timer.C
		}
		select {
		case <-done:
		case <-ctx.Done():
			terminate("interrupted")
		case <-timeout:
			terminate(fmt.Sprintf("exceeded trial_timeout %v", time.Duration(r.cfg.TrialTimeout)))
		}
	}()
	wg.Wait()
	waitErr := cmd.Wait()
	close(done)
	<-followed
	whyMu.Lock()
	reason := why
	whyMu.Unlock()
	if follow != nil && follow.err != nil {
		return nil, fmt.Errorf("the metrics file: %w", follow.err)
	}
	switch {
	case reason == "pruned":
		return nil, tune.ErrPruned
	case reason != "":
		return nil, fmt.Errorf("%s%s", reason, logs.last())
	case waitErr != nil:
		return nil, fmt.Errorf("%s %v%s", args[0], waitErr, logs.last())
	}
	return m.final(logs)
}

// metrics collects a trial's metrics from its output lines.
type metrics struct {
	mu     sync.Mutex
	names  []string
	last   map[string]float64
	finals map[string]float64
	step   int
}

// take reads one line; it reports the primary metric with its step and
// asks the pruner.
func (m *metrics) take(t *tune.Trial, line string) (prune bool, err error) {
	rec, ok, err := ParseLine(line)
	if err != nil || !ok {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, v := range rec.Values {
		m.last[k] = v
		if rec.Final {
			if m.finals == nil {
				m.finals = map[string]float64{}
			}
			m.finals[k] = v
		}
	}
	v, ok := rec.Values[m.names[0]]
	if !ok || rec.Final || len(m.names) > 1 {
		return false, nil
	}
	step := rec.Step
	if step < 0 {
		step = m.step
	}
	m.step = step + 1
	if err := t.Report(step, v); err != nil {
		if errors.Is(err, tune.ErrStepReported) {
			return false, nil
		}
		return false, err
	}
	return t.ShouldPrune()
}

// follower reads the lines a program appends to its metrics file while
// it runs.
type follower struct {
	path    string
	off     int64
	partial []byte
	err     error
}

// poll hands the complete lines added since the last poll to take; at the
// end (last), a final line without a newline too. A file that does not
// exist yet is no error until the end.
func (f *follower) poll(take func(string), last bool) {
	file, err := os.Open(f.path)
	if err != nil {
		if last && f.off == 0 {
			f.err = err
		}
		return
	}
	defer file.Close()
	if _, err := file.Seek(f.off, io.SeekStart); err != nil {
		f.err = err
		return
	}
	b, err := io.ReadAll(file)
	if err != nil {
		f.err = err
		return
	}
	f.off += int64(len(b))
	b = append(f.partial, b...)
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			break
		}
		take(strings.TrimRight(string(b[:i]), "\r"))
		b = b[i+1:]
	}
	f.partial = append([]byte(nil), b...)
	if last && len(f.partial) > 0 {
		take(string(f.partial))
		f.partial = nil
	}
}

// final returns each metric's final value: its "final" record, else its
// last reported value.
func (m *metrics) final(logs *tail) ([]float64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]float64, len(m.names))
	for i, name := range m.names {
		v, ok := m.finals[name]
		if !ok {
			v, ok = m.last[name]
		}
		if !ok {
			return nil, fmt.Errorf("the program never reported the metric %q%s", name, logs.last())
		}
		out[i] = v
	}
	return out, nil
}

// tail writes lines to a log and keeps the last few for error messages.
type tail struct {
	mu    sync.Mutex
	w     io.Writer
	lines []string
}

func (t *tail) line(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintln(t.w, s)
	t.lines = append(t.lines, s)
	if len(t.lines) > 10 {
		t.lines = t.lines[1:]
	}
}

// last returns the last lines of the log, for a failure's reason.
func (t *tail) last() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == 0 {
		return " (no output)"
	}
	return "; the last lines of its output:\n" + strings.Join(t.lines, "\n")
}
