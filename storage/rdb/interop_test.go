package rdb_test

// Interoperability with the real Optuna: these tests run Optuna 3.x, through
// the system Python (/usr/bin/python3) and testdata/optuna_interop.py, on
// databases that tune writes, and tune on databases that Optuna writes, and
// compare field by field what each sees. Where Optuna is not installed they
// are skipped, except in CI (CI=true), where they fail: .ci/run installs it.

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/rdb"
	"github.com/go-tune/tune/storage/rdb/rdbtest"
)

// python is the interpreter that has Optuna (a python3 earlier on PATH may
// not).
const python = "/usr/bin/python3"

var pyModules sync.Map // "optuna,psycopg2" -> error of importing them

// needPython skips the test (fails it in CI) unless python imports modules.
func needPython(t *testing.T, modules ...string) {
	t.Helper()
	key := strings.Join(modules, ", ")
	v, ok := pyModules.Load(key)
	if !ok {
		out, err := exec.Command(python, "-c", "import "+key).CombinedOutput()
		if err != nil {
			err = fmt.Errorf("%v: %s", err, strings.TrimSpace(lastLines(string(out), 3)))
		}
		v, _ = pyModules.LoadOrStore(key, err)
	}
	if err, _ := v.(error); err != nil {
		msg := fmt.Sprintf("these tests run the real Optuna, and %s cannot `import %s` (%v); install Debian's python3-optuna python3-psycopg2 python3-pymysql (see .ci/run)", python, key, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// pyModulesFor returns the Python modules that Optuna needs for url.
func pyModulesFor(url string) []string {
	switch {
	case strings.HasPrefix(url, "postgresql:"):
		return []string{"optuna", "psycopg2"}
	case strings.HasPrefix(url, "mysql:"):
		return []string{"optuna", "pymysql"}
	}
	return []string{"optuna"}
}

// sqlalchemyURL turns a storage URL of rdb into SQLAlchemy's form, with the
// drivers that Debian packages: psycopg2 (SQLAlchemy's default for
// postgresql://) and pymysql.
func sqlalchemyURL(url string) string {
	if rest, ok := strings.CutPrefix(url, "mysql://"); ok {
		return "mysql+pymysql://" + rest
	}
	return url
}

// runPy runs testdata/optuna_interop.py with args and returns its stdout.
func runPy(t *testing.T, args ...string) []byte {
	t.Helper()
	script, err := filepath.Abs("testdata/optuna_interop.py")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, append([]string{script}, args...)...)
	cmd.Dir = t.TempDir() // no stray logging.py or optuna.py shadows the real ones
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python %s %s: %v\n%s", filepath.Base(script), strings.Join(args, " "), err, lastLines(stderr.String(), 30))
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// What the script prints of a study (see dump_study in the script).
type pyDump struct {
	Studies map[string]pyStudy `json:"studies"`
}

type pyStudy struct {
	Directions  []string       `json:"directions"`
	UserAttrs   map[string]any `json:"user_attrs"`
	SystemAttrs map[string]any `json:"system_attrs"`
	Trials      []pyTrial      `json:"trials"`
	Best        *int           `json:"best"`
	BestTrials  []int          `json:"best_trials"`
}

type pyTrial struct {
	Number           int                `json:"number"`
	State            string             `json:"state"`
	Params           map[string]pyParam `json:"params"`
	Values           []string           `json:"values"` // Python reprs; null for None
	Intermediate     [][2]any           `json:"intermediate"`
	UserAttrs        map[string]any     `json:"user_attrs"`
	SystemAttrs      map[string]any     `json:"system_attrs"`
	DatetimeStart    *string            `json:"datetime_start"`
	DatetimeComplete *string            `json:"datetime_complete"`
}

type pyParam struct {
	Type         string `json:"type"` // Python's type name of the external value
	Value        any    `json:"value"`
	Internal     string `json:"internal"` // repr
	Distribution string `json:"distribution"`
}

func decode[T any](t *testing.T, out []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("the script's output is not what the test reads: %v\n%s", err, out)
	}
	return v
}

// dumpStudies returns what Optuna sees of the studies.
func dumpStudies(t *testing.T, url string, names ...string) map[string]pyStudy {
	t.Helper()
	d := decode[pyDump](t, runPy(t, append([]string{"dump", sqlalchemyURL(url)}, names...)...))
	return d.Studies
}

func pyFloat(t *testing.T, repr string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(repr, 64)
	if err != nil {
		t.Fatalf("float repr %q: %v", repr, err)
	}
	return f
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// sameAttrs compares JSON attributes (nil and empty maps are alike).
func sameAttrs(a, b map[string]any) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}

// checkStudy checks that what Optuna sees of a study (py) is what tune sees:
// info and trials.
func checkStudy(t *testing.T, py pyStudy, info core.StudyInfo, trials []core.Trial) {
	t.Helper()
	var dirs []string
	for _, d := range info.Directions {
		dirs = append(dirs, d.String())
	}
	if !slices.Equal(py.Directions, dirs) {
		t.Errorf("study %q: Optuna sees directions %v, tune %v", info.Name, py.Directions, dirs)
	}
	if !sameAttrs(py.UserAttrs, info.UserAttrs) {
		t.Errorf("study %q: Optuna sees user attrs %#v, tune %#v", info.Name, py.UserAttrs, info.UserAttrs)
	}
	if !sameAttrs(py.SystemAttrs, info.SystemAttrs) {
		t.Errorf("study %q: Optuna sees system attrs %#v, tune %#v", info.Name, py.SystemAttrs, info.SystemAttrs)
	}
	if len(py.Trials) != len(trials) {
		t.Fatalf("study %q: Optuna sees %d trials, tune %d", info.Name, len(py.Trials), len(trials))
	}
	for i := range trials {
		checkTrial(t, py.Trials[i], trials[i])
	}
}

// checkTrial checks, field by field, that Optuna's view of a trial is tune's.
func checkTrial(t *testing.T, py pyTrial, tr core.Trial) {
	t.Helper()
	where := fmt.Sprintf("trial %d", tr.Number)
	if py.Number != tr.Number {
		t.Errorf("%s: Optuna sees number %d", where, py.Number)
	}
	if py.State != tr.State.String() {
		t.Errorf("%s: Optuna sees state %s, tune %v", where, py.State, tr.State)
	}
	// Parameters: the same names, distributions (Optuna's JSON of what it
	// parsed, byte for byte), internal and external values.
	if len(py.Params) != len(tr.Params) {
		t.Errorf("%s: Optuna sees %d params %v, tune %d %v", where, len(py.Params), py.Params, len(tr.Params), tr.ParamValues())
	}
	for _, p := range tr.Params {
		pp, ok := py.Params[p.Name]
		if !ok {
			t.Errorf("%s: Optuna does not see param %q", where, p.Name)
			continue
		}
		if want := core.DistributionJSON(p.Dist); pp.Distribution != want {
			t.Errorf("%s, param %q: Optuna sees distribution %s, tune %s", where, p.Name, pp.Distribution, want)
		}
		if got := pyFloat(t, pp.Internal); got != p.Internal {
			t.Errorf("%s, param %q: Optuna sees internal value %v, tune %v", where, p.Name, got, p.Internal)
		}
		checkExternal(t, where+", param "+strconv.Quote(p.Name), pp, p.Value())
	}
	// Values: None for none.
	if len(tr.Values) == 0 {
		if py.Values != nil {
			t.Errorf("%s: Optuna sees values %v, tune none", where, py.Values)
		}
	} else if len(py.Values) != len(tr.Values) {
		t.Errorf("%s: Optuna sees values %v, tune %v", where, py.Values, tr.Values)
	} else {
		for i, v := range tr.Values {
			if got := pyFloat(t, py.Values[i]); !sameFloat(got, v) {
				t.Errorf("%s: Optuna sees value %d = %v, tune %v", where, i, got, v)
			}
		}
	}
	if len(py.Intermediate) != len(tr.Intermediate) {
		t.Errorf("%s: Optuna sees intermediate values %v, tune %v", where, py.Intermediate, tr.Intermediate)
	} else {
		for i, st := range tr.Intermediate {
			step, _ := py.Intermediate[i][0].(float64)
			repr, _ := py.Intermediate[i][1].(string)
			if got := pyFloat(t, repr); int(step) != st.Step || !sameFloat(got, st.Value) {
				t.Errorf("%s: Optuna sees intermediate value %v at step %v, tune %v at %d", where, got, step, st.Value, st.Step)
			}
		}
	}
	if !sameAttrs(py.UserAttrs, tr.UserAttrs) {
		t.Errorf("%s: Optuna sees user attrs %#v, tune %#v", where, py.UserAttrs, tr.UserAttrs)
	}
	if !sameAttrs(py.SystemAttrs, tr.SystemAttrs) {
		t.Errorf("%s: Optuna sees system attrs %#v, tune %#v", where, py.SystemAttrs, tr.SystemAttrs)
	}
	checkTime(t, where+": datetime_start", py.DatetimeStart, tr.Start)
	checkTime(t, where+": datetime_complete", py.DatetimeComplete, tr.Complete)
}

// checkExternal checks a parameter's external value and its Python type.
func checkExternal(t *testing.T, where string, pp pyParam, v any) {
	t.Helper()
	var typ string
	var want any
	switch x := v.(type) {
	case nil:
		typ, want = "NoneType", nil
	case bool:
		typ, want = "bool", x
	case string:
		typ, want = "str", x
	case int:
		typ, want = "int", float64(x)
	case float64:
		typ, want = "float", x
	default:
		t.Fatalf("%s: tune's value %v has type %T", where, v, v)
	}
	if pp.Type != typ || !reflect.DeepEqual(pp.Value, want) {
		t.Errorf("%s: Optuna sees %v (Python %s), tune %v (%T)", where, pp.Value, pp.Type, v, v)
	}
}

// checkTime checks a datetime that Optuna read (Python's isoformat, local
// time without a zone, as both write it) against tune's. Differences below a
// second are allowed: a finishing trial's record is stamped in the process,
// its row by the storage a moment earlier.
func checkTime(t *testing.T, where string, py *string, tm time.Time) {
	t.Helper()
	if py == nil || tm.IsZero() {
		if (py == nil) != tm.IsZero() {
			t.Errorf("%s: Optuna sees %v, tune %v", where, py, tm)
		}
		return
	}
	got, err := time.ParseInLocation("2006-01-02T15:04:05.999999", *py, time.Local)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	if d := got.Sub(tm); d < -time.Second || d > time.Second {
		t.Errorf("%s: Optuna sees %v, tune %v", where, got, tm)
	}
}

// interopChoices are the choices of the categorical parameter "c" that tune
// writes: every kind of choice Optuna has, a string that needs escaping.
// (Not both 1 and True, which Python holds equal.)
var interopChoices = []any{"a", `q"uo'te ü✓`, 7, 2.5, true, nil}

// askAll asks for a parameter of every kind.
func askAll(t *tune.Trial) (float64, error) {
	x, err := t.Float("x", -10, 10)
	if err != nil {
		return 0, err
	}
	for _, f := range []func() error{
		func() error { _, err := t.Float("lr", 1e-5, 1, tune.Log()); return err },
		func() error { _, err := t.Float("s", 0, 1, tune.Step(0.25)); return err },
		func() error { _, err := t.Float("s10", -1, 1, tune.Step(0.1)); return err },
		func() error { _, err := t.Int("n", 1, 10); return err },
		func() error { _, err := t.Int("ln", 1, 1024, tune.Log()); return err },
		func() error { _, err := t.Int("sn", 0, 100, tune.Step(5)); return err },
		func() error { _, err := t.Categorical("c", interopChoices...); return err },
	} {
		if err := f(); err != nil {
			return 0, err
		}
	}
	return x, nil
}

// TestInteropTuneToOptuna: tune writes studies with trials in every state,
// parameters of every kind, NaN and infinite values, attributes of every
// JSON kind, and a study with two objectives; Optuna loads them and sees
// exactly what tune sees; then Optuna runs a trial of the study, claiming
// the trial that tune enqueued, with its parameters.
func TestInteropTuneToOptuna(t *testing.T) {
	for name, newURL := range dialectURLs(t) {
		t.Run(name, func(t *testing.T) {
			url := newURL(t)
			needPython(t, pyModulesFor(url)...)
			testTuneToOptuna(t, url)
		})
	}
}

func testTuneToOptuna(t *testing.T, url string) {
	ctx := context.Background()
	st := openURL(t, url)
	study, err := tune.CreateStudy(ctx, "tune to optuna", tune.WithStorage(st), tune.WithSeed(11), tune.WithPruner(pruner.Nop{}))
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.LoadStudy(ctx, study.Name())
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(study.SetUserAttr(ctx, "quote", `it's "quoted", back\slash, <tag> & ünïcødé ✓ 日本 🚀`+"\n\ttabbed"))
	must(study.SetUserAttr(ctx, "nested", map[string]any{
		"list":  []any{1, 2.5, "s", nil, true, false, map[string]any{"deep": []any{}, "e": map[string]any{}}},
		"empty": map[string]any{}, "big": 1e300, "neg": -0.1,
	}))
	must(st.SetStudySystemAttr(ctx, info.ID, "sys:nested", map[string]any{"a": []any{"x", 1.25, nil}}))

	ask := func() *tune.Trial {
		t.Helper()
		tr, err := study.Ask(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	tell := func(tr *tune.Trial, values []float64, err error) {
		t.Helper()
		if _, e := study.Tell(ctx, tr, values, err); e != nil {
			t.Fatal(e)
		}
	}
	report := func(tr *tune.Trial, values ...float64) {
		t.Helper()
		for i, v := range values {
			must(tr.Report(i, v))
		}
	}
	inf := math.Inf(1)

	// 0: Complete, every kind of parameter, NaN and infinite intermediate
	// values, attributes.
	tr := ask()
	x, err := askAll(tr)
	must(err)
	report(tr, 1.5, math.NaN(), inf, -inf, 0.25)
	must(tr.SetUserAttr("msg", `say "hi" ü`))
	must(tr.SetUserAttr("nested", map[string]any{"l": []any{map[string]any{"k": nil}, "v", 3}}))
	must(st.SetTrialSystemAttr(ctx, tr.ID(), "sys", []any{"a", map[string]any{"b": nil, "c": "é"}}))
	tell(tr, []float64{x * x}, nil)
	// 1, 2: Pruned, with the last intermediate value, +Inf and -Inf, as
	// value.
	tr = ask()
	_, err = askAll(tr)
	must(err)
	report(tr, 2, inf)
	tell(tr, nil, tune.ErrPruned)
	tr = ask()
	_, err = askAll(tr)
	must(err)
	report(tr, -inf)
	tell(tr, nil, tune.ErrPruned)
	// 3: Pruned with NaN last: no value.
	tr = ask()
	_, err = tr.Float("x", -10, 10)
	must(err)
	report(tr, 1, math.NaN())
	tell(tr, nil, tune.ErrPruned)
	// 4: Fail, with a reason.
	tr = ask()
	_, err = tr.Float("x", -10, 10)
	must(err)
	tell(tr, nil, errors.New(`fail "reason" ü`))
	// 5: Fail, for an infinite value.
	tr = ask()
	tell(tr, []float64{inf}, nil)
	// 6: enqueued, then claimed by Optimize with its parameters; 7..9 run
	// by Optimize: Complete, Pruned, Fail (a panic).
	n, err := study.Enqueue(ctx, map[string]any{"x": 2.5, "c": nil, "n": 3, "sn": 15, "s": 0.75})
	must(err)
	if n != 6 {
		t.Fatalf("Enqueue: number %d, want 6", n)
	}
	err = study.Optimize(ctx, func(ctx context.Context, tr *tune.Trial) (float64, error) {
		x, err := askAll(tr)
		if err != nil {
			return 0, err
		}
		for i := range 3 {
			if err := tr.Report(i, x+float64(i)); err != nil {
				return 0, err
			}
		}
		if err := tr.SetUserAttr("worker", map[string]any{"n": tr.Number()}); err != nil {
			return 0, err
		}
		switch tr.Number() {
		case 8:
			return 0, tune.ErrPruned
		case 9:
			panic(`panic "p" ü`)
		}
		return x * x, nil
	}, tune.OptimizeOptions{Trials: 4})
	must(err)
	// 10: left Running.
	tr = ask()
	_, err = askAll(tr)
	must(err)
	report(tr, 0.5)
	must(tr.SetUserAttr("running", true))
	// 11: Waiting, for Optuna to claim.
	n, err = study.Enqueue(ctx, map[string]any{"x": -1.0, "c": "a", "ln": 512, "s10": 0.3})
	must(err)
	if n != 11 {
		t.Fatalf("Enqueue: number %d, want 11", n)
	}

	// A study with two objectives.
	multi, err := tune.CreateStudy(ctx, "tune to optuna: multi", tune.WithStorage(st), tune.WithSeed(12),
		tune.WithDirections(tune.Minimize, tune.Maximize), tune.WithPruner(pruner.Nop{}))
	must(err)
	must(multi.SetUserAttr(ctx, "objectives", []any{"loss", "accuracy"}))
	must(multi.OptimizeMulti(ctx, func(ctx context.Context, tr *tune.Trial) ([]float64, error) {
		x, err := tr.Float("x", -2, 2)
		if err != nil {
			return nil, err
		}
		if _, err := tune.Choice(tr, "k", "p", "q"); err != nil {
			return nil, err
		}
		if tr.Number() == 2 {
			return nil, tune.ErrPruned
		}
		return []float64{x * x, x}, nil
	}, tune.OptimizeOptions{Trials: 6}))

	// What tune sees, then what Optuna sees.
	trials, err := study.Trials(ctx)
	must(err)
	multiTrials, err := multi.Trials(ctx)
	must(err)
	wantStates := []tune.State{tune.Complete, tune.Pruned, tune.Pruned, tune.Pruned, tune.Fail, tune.Fail,
		tune.Complete, tune.Complete, tune.Pruned, tune.Fail, tune.Running, tune.Waiting}
	if len(trials) != len(wantStates) {
		t.Fatalf("tune wrote %d trials, want %d", len(trials), len(wantStates))
	}
	for i, tr := range trials {
		if tr.Number != i || tr.State != wantStates[i] {
			t.Fatalf("tune wrote trial %d %v, want %d %v", tr.Number, tr.State, i, wantStates[i])
		}
	}
	if v := trials[1].Values; len(v) != 1 || !math.IsInf(v[0], 1) {
		t.Fatalf("trial 1 has values %v, want [+Inf]", v)
	}
	if v := trials[6].ParamValues(); v["x"] != 2.5 || v["c"] != nil || v["n"] != 3 || v["sn"] != 15 || v["s"] != 0.75 {
		t.Fatalf("enqueued trial 6 has params %v", v)
	}

	dump := dumpStudies(t, url, study.Name(), multi.Name())
	for _, s := range []struct {
		name   string
		trials []core.Trial
	}{{study.Name(), trials}, {multi.Name(), multiTrials}} {
		info, err := st.LoadStudy(ctx, s.name)
		must(err)
		py, ok := dump[s.name]
		if !ok {
			t.Fatalf("Optuna did not load study %q", s.name)
		}
		checkStudy(t, py, info, s.trials)
	}
	best, err := study.BestTrial(ctx)
	must(err)
	if py := dump[study.Name()].Best; py == nil || *py != best.Number {
		t.Errorf("Optuna's best trial is %v, tune's %d", py, best.Number)
	}
	front, err := multi.BestTrials(ctx)
	must(err)
	var frontNums []int
	for _, tr := range front {
		frontNums = append(frontNums, tr.Number)
	}
	if py := dump[multi.Name()].BestTrials; len(frontNums) == 0 || !slices.Equal(py, frontNums) {
		t.Errorf("Optuna's best trials are %v, tune's %v", py, frontNums)
	}

	// Optuna runs one trial: it claims the trial tune enqueued, takes its
	// parameters, and suggests the others with the distributions tune
	// wrote (so Optuna checks that they are compatible with its own).
	claim := decode[struct {
		Number    int                `json:"number"`
		Trial     pyTrial            `json:"trial"`
		Suggested map[string]pyParam `json:"suggested"`
	}](t, runPy(t, "claim", sqlalchemyURL(url), study.Name()))
	if claim.Number != 11 || claim.Trial.State != "COMPLETE" {
		t.Fatalf("Optuna ran trial %d (%s), want the enqueued trial 11, COMPLETE", claim.Number, claim.Trial.State)
	}
	trials, err = study.Trials(ctx)
	must(err)
	if len(trials) != 12 {
		t.Fatalf("tune sees %d trials after Optuna's, want 12", len(trials))
	}
	got := trials[11]
	checkTrial(t, claim.Trial, got)
	if v := got.ParamValues(); len(v) != len(trials[0].Params) || v["x"] != -1.0 || v["c"] != "a" || v["ln"] != 512 || v["s10"] != 0.3 {
		t.Errorf("the trial Optuna claimed has params %v, want all of trial 0's, with the enqueued x -1, c a, ln 512, s10 0.3", v)
	}
	// What Optuna's objective got, with its Python type: tune writes
	// attributes as Python does (core.PythonJSON), so the enqueued x, -1.0,
	// reaches suggest_float as the float -1.0, not the int -1.
	for name, want := range map[string]struct {
		v   any
		typ string
	}{"x": {-1.0, "float"}, "c": {"a", "str"}, "ln": {512.0, "int"}, "s10": {0.3, "float"}} {
		if got := claim.Suggested[name]; got.Value != want.v || got.Type != want.typ {
			t.Errorf("Optuna's objective got %s = %v (%s), want %v (%s)", name, got.Value, got.Type, want.v, want.typ)
		}
	}
}

// TestInteropOptunaToTune: Optuna creates a study (trials of every state,
// every suggest kind, attributes, a trial left Running, one enqueued); tune
// loads it and sees what Optuna sees, continues it, claiming the enqueued
// trial, with numbers that go on densely; Optuna loads it again and sees all
// trials as tune does.
func TestInteropOptunaToTune(t *testing.T) {
	urls := dialectURLs(t)
	for _, name := range []string{"sqlite", "postgresql"} {
		t.Run(name, func(t *testing.T) {
			url := urls[name](t)
			needPython(t, pyModulesFor(url)...)
			testOptunaToTune(t, url)
		})
	}
}

func testOptunaToTune(t *testing.T, url string) {
	ctx := context.Background()
	const name = "optuna to tune"
	dump := decode[pyDump](t, runPy(t, "create", sqlalchemyURL(url), name)).Studies

	st := openURL(t, url)
	info, err := st.LoadStudy(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	trials, err := st.Trials(ctx, info.ID, storage.TrialQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// What the script made, as tune sees it (so that the comparison below
	// cannot pass on two empty views).
	wantStates := []tune.State{tune.Complete, tune.Pruned, tune.Fail, tune.Pruned, tune.Complete, tune.Pruned,
		tune.Complete, tune.Running, tune.Waiting}
	if len(trials) != len(wantStates) {
		t.Fatalf("tune sees %d trials, want %d", len(trials), len(wantStates))
	}
	for i, tr := range trials {
		if tr.Number != i || tr.State != wantStates[i] {
			t.Fatalf("tune sees trial %d %v, want %d %v", tr.Number, tr.State, i, wantStates[i])
		}
	}
	if v := trials[1].Values; len(v) != 1 || !math.IsInf(v[0], 1) {
		t.Errorf("trial 1: values %v, want [+Inf]", v)
	}
	if v := trials[4].Values; len(v) != 1 || !math.IsInf(v[0], -1) {
		t.Errorf("trial 4: values %v, want [-Inf]", v)
	}
	if v, ok := trials[5].At(9); len(trials[5].Values) != 0 || !ok || !math.IsNaN(v) {
		t.Errorf("trial 5: values %v and intermediate %v, want none and NaN at step 9", trials[5].Values, trials[5].Intermediate)
	}
	if len(trials[0].Params) != 7 {
		t.Errorf("trial 0: params %v, want 7", trials[0].ParamValues())
	}
	py, ok := dump[name]
	if !ok {
		t.Fatalf("the script dumped %v", dump)
	}
	checkStudy(t, py, info, trials)

	// tune continues the study: it claims the Waiting trial 8 with its fixed
	// parameters, then creates 9, 10, 11.
	study, err := tune.LoadStudy(ctx, name, tune.WithStorage(st))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var ran []int
	err = study.Optimize(ctx, func(ctx context.Context, tr *tune.Trial) (float64, error) {
		x, err := tr.Float("x", -10, 10)
		if err != nil {
			return 0, err
		}
		for _, f := range []func() error{
			func() error { _, err := tr.Float("lr", 1e-5, 1e-1, tune.Log()); return err },
			func() error { _, err := tr.Float("s", 0, 1, tune.Step(0.25)); return err },
			func() error { _, err := tr.Int("n", 1, 10); return err },
			func() error { _, err := tr.Int("ln", 1, 1024, tune.Log()); return err },
			func() error { _, err := tr.Int("sn", 0, 100, tune.Step(5)); return err },
			func() error { _, err := tr.Categorical("c", "a", 7, 2.5, true, nil); return err },
			func() error { return tr.Report(0, x) },
			func() error { return tr.SetUserAttr("by", "tune") },
		} {
			if err := f(); err != nil {
				return 0, err
			}
		}
		mu.Lock()
		ran = append(ran, tr.Number())
		mu.Unlock()
		return x * x, nil
	}, tune.OptimizeOptions{Trials: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ran, []int{8, 9, 10, 11}) {
		t.Errorf("tune ran trials %v, want 8 9 10 11", ran)
	}
	all, err := study.Trials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 12 {
		t.Fatalf("tune sees %d trials, want 12", len(all))
	}
	for i, tr := range all {
		if tr.Number != i {
			t.Fatalf("trial %d has number %d", i, tr.Number)
		}
		if i >= 8 && (tr.State != tune.Complete || len(tr.Params) != 7) {
			t.Errorf("tune's trial %d: %v with params %v, want Complete with 7", i, tr.State, tr.ParamValues())
		}
	}
	if v := all[8].ParamValues(); v["x"] != 1.5 || v["c"] != nil || v["n"] != 3 || v["sn"] != 15 || all[8].UserAttrs["enq"] != "ueued" {
		t.Errorf("the enqueued trial 8 ran with params %v and user attrs %v, want Optuna's x 1.5, c None, n 3, sn 15, enq", v, all[8].UserAttrs)
	}

	// Optuna sees all of it as tune does.
	info, err = st.LoadStudy(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	checkStudy(t, dumpStudies(t, url, name)[name], info, all)
}

// TestInteropConcurrent: an Optuna process and a tune process (2 workers)
// optimize one PostgreSQL study at the same time, N trials each. Every trial
// must be there once, Complete, numbered 0..2N-1.
func TestInteropConcurrent(t *testing.T) {
	const n = 200
	if testing.Short() {
		t.Skip("slow: two optimizers of 200 trials each")
	}
	url := rdbtest.ServerURL(t, "postgresql")
	needPython(t, pyModulesFor(url)...)
	ctx := context.Background()
	st := openURL(t, url)
	study, err := tune.CreateStudy(ctx, "concurrent", tune.WithStorage(st))
	if err != nil {
		t.Fatal(err)
	}

	// Optuna loads the study, says "ready", and starts when told, so that
	// both run together from the start.
	script, _ := filepath.Abs("testdata/optuna_interop.py")
	pctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(pctx, python, script, "optimize", sqlalchemyURL(url), study.Name(), strconv.Itoa(n))
	cmd.Dir = t.TempDir()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		cmd.Wait()
		t.Fatalf("Optuna did not get ready: %q\n%s", lines.Text(), lastLines(stderr.String(), 30))
	}
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var done atomic.Int64 // tune's trials so far
	err = study.Optimize(ctx, func(ctx context.Context, tr *tune.Trial) (float64, error) {
		x, err := tr.Float("x", -10, 10)
		if err != nil {
			return 0, err
		}
		y, err := tr.Int("y", 0, 100)
		if err != nil {
			return 0, err
		}
		if err := tr.SetUserAttr("by", "tune"); err != nil {
			return 0, err
		}
		time.Sleep(10 * time.Millisecond)
		// Keep pace with Optuna, whose trials take longer and, on a loaded
		// machine, much longer: wait (up to 2 s) while tune is more than 10
		// trials ahead, so that the two interleave whatever the load.
		k := int(done.Add(1))
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			ts, err := study.Trials(ctx, tune.Complete)
			if err != nil {
				return 0, err
			}
			theirs := 0
			for _, t := range ts {
				if t.UserAttrs["by"] == "optuna" {
					theirs++
				}
			}
			if theirs >= min(k, n)-10 {
				break
			}
		}
		return x*x + float64(y), nil
	}, tune.OptimizeOptions{Trials: n, Workers: 2})
	tuneTook := time.Since(start)
	if err != nil {
		t.Errorf("tune: %v", err)
	}
	rest, _ := io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil || strings.TrimSpace(string(rest)) != "done" {
		t.Fatalf("Optuna: %v, output %q\n%s", err, rest, lastLines(stderr.String(), 30))
	}
	t.Logf("tune's %d trials took %v, both together %v", n, tuneTook.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	trials, err := study.Trials(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(trials) != 2*n {
		t.Errorf("%d trials, want %d", len(trials), 2*n)
	}
	by := map[string]int{}
	var order []string // who ran each trial, in number order
	for i, tr := range trials {
		who, _ := tr.UserAttrs["by"].(string)
		if tr.Number != i || tr.State != tune.Complete || len(tr.Params) != 2 {
			t.Errorf("trial %d (at %d): %v by %q with params %v, want number %d, Complete, 2 params", tr.Number, i, tr.State, who, tr.ParamValues(), i)
		}
		by[who]++
		order = append(order, who)
	}
	if by["tune"] != n || by["optuna"] != n {
		t.Errorf("trials by tune %d, by Optuna %d, want %d each", by["tune"], by["optuna"], n)
	}
	// Overlap: had the two run one after the other, the trials of each would
	// form one block of numbers (2 runs in all). Counting the runs of
	// trials by the same process in number order, and how many of Optuna's
	// trials lie between tune's first and last, shows how much they
	// interleaved.
	runs := 0
	for i := range order {
		if i == 0 || order[i] != order[i-1] {
			runs++
		}
	}
	first, last := slices.Index(order, "tune"), -1
	for i, who := range order {
		if who == "tune" {
			last = i
		}
	}
	between := 0
	for _, who := range order[max(first, 0) : last+1] {
		if who == "optuna" {
			between++
		}
	}
	t.Logf("%d runs of trials by one process; %d of Optuna's trials between tune's first (%d) and last (%d)", runs, between, first, last)
	if runs < 20 || between < n/10 {
		t.Errorf("the two optimizers hardly overlapped: %d runs, %d of Optuna's trials within tune's; the test shows nothing", runs, between)
	}

	// Optuna sees the same.
	py := dumpStudies(t, url, study.Name())[study.Name()]
	if len(py.Trials) != 2*n {
		t.Fatalf("Optuna sees %d trials, want %d", len(py.Trials), 2*n)
	}
	for i, pt := range py.Trials {
		if pt.Number != i || pt.State != "COMPLETE" || pt.UserAttrs["by"] != order[i] {
			t.Errorf("Optuna sees trial %d (at %d) %s by %v, tune: by %s", pt.Number, i, pt.State, pt.UserAttrs["by"], order[i])
		}
	}
}

// TestInteropUnknownRevision: a database of a schema revision that tune does
// not know (from a later Optuna, say) is refused with ErrSchema, and left as
// it was, byte for byte.
func TestInteropUnknownRevision(t *testing.T) {
	const rev = "v9.9.9"
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "future.db")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			"CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
			"INSERT INTO alembic_version (version_num) VALUES ('" + rev + "')",
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		checkRefusedFile(t, path)
	})
	t.Run("sqlite-optuna", func(t *testing.T) {
		needPython(t, "optuna")
		path := filepath.Join(t.TempDir(), "future.db")
		runPy(t, "create", "sqlite:///"+path, "s")
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("UPDATE alembic_version SET version_num = '" + rev + "'"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		checkRefusedFile(t, path)
	})
	for _, dialect := range []string{"postgresql", "mysql"} {
		t.Run(dialect, func(t *testing.T) {
			dbURL := rdbtest.ServerURL(t, dialect)
			db := rdbtest.Open(t, dbURL)
			for _, q := range []string{
				"CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
				"INSERT INTO alembic_version (version_num) VALUES ('" + rev + "')",
			} {
				if _, err := db.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			snapshot := func() string {
				var b strings.Builder
				q := "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
				if dialect == "mysql" {
					q = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
				}
				for _, q := range []string{q, "SELECT version_num FROM alembic_version"} {
					rows, err := db.Query(q)
					if err != nil {
						t.Fatal(err)
					}
					for rows.Next() {
						var s string
						rows.Scan(&s)
						b.WriteString(s + " ")
					}
					rows.Close()
				}
				return b.String()
			}
			before := snapshot()
			s, err := rdb.Open(context.Background(), dbURL)
			if err == nil {
				s.Close()
			}
			if !errors.Is(err, rdb.ErrSchema) || !strings.Contains(err.Error(), rev) {
				t.Fatalf("Open of a database of revision %s: %v, want ErrSchema naming the revision", rev, err)
			}
			if after := snapshot(); after != before {
				t.Errorf("Open changed the database: tables and revision %q, were %q", after, before)
			}
		})
	}
}

// checkRefusedFile opens the SQLite file, which has an unknown revision,
// and checks that Open refuses it with ErrSchema and leaves the file, and
// its directory, as they were.
func checkRefusedFile(t *testing.T, path string) {
	t.Helper()
	snapshot := func() string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := os.ReadDir(filepath.Dir(path))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return fmt.Sprintf("sha256 %x, directory %v", sha256.Sum256(data), names)
	}
	before := snapshot()
	s, err := rdb.Open(context.Background(), "sqlite:///"+path)
	if err == nil {
		s.Close()
	}
	if !errors.Is(err, rdb.ErrSchema) || !strings.Contains(err.Error(), "v9.9.9") {
		t.Fatalf("Open of a database of revision v9.9.9: %v, want ErrSchema naming the revision", err)
	}
	if after := snapshot(); after != before {
		t.Errorf("Open changed the database file:\nbefore %s\nafter  %s", before, after)
	}
}
