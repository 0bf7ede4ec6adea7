package distributed_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/rdb"
	"github.com/go-tune/tune/storage/rdb/rdbtest"
)

var bg = context.Background()

// backend makes a new, empty database for a test and returns its URL.
type backend struct {
	name string
	url  func(t *testing.T) string
}

var (
	sqliteDB = backend{"sqlite", func(t *testing.T) string {
		return "sqlite:///" + filepath.Join(t.TempDir(), "x.db") // an absolute path: sqlite:////tmp/...
	}}
	postgres = backend{"postgresql", func(t *testing.T) string { return rdbtest.ServerURL(t, "postgresql") }}
	mysql    = backend{"mysql", func(t *testing.T) string { return rdbtest.ServerURL(t, "mysql") }}
	backends = []backend{sqliteDB, postgres, mysql}
)

// openStorage opens the storage at url for the test, with opts, and closes
// it when the test ends.
func openStorage(t *testing.T, url string, opts rdb.Options) *rdb.Storage {
	t.Helper()
	s, err := rdb.OpenWith(bg, url, opts)
	if err != nil {
		t.Fatalf("OpenWith(%s): %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newStudy creates a study, seeded, for the workers to load.
func newStudy(t *testing.T, s *rdb.Storage, name string) *tune.Study {
	t.Helper()
	study, err := tune.CreateStudy(bg, name, tune.WithStorage(s), tune.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	return study
}

// storedTrials reads the trials of the study called name from s.
func storedTrials(t *testing.T, s storage.Storage, name string) []tune.FrozenTrial {
	t.Helper()
	info, err := s.LoadStudy(bg, name)
	if err != nil {
		t.Fatal(err)
	}
	trials, err := s.Trials(bg, info.ID, storage.TrialQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return trials
}

// A worker is a worker process that a test started.
type worker struct {
	cfg    workerConfig
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr lockedBuffer
	ready  chan struct{} // closed when it says it is ready
	done   chan struct{} // closed when it has exited
	told   atomic.Int64  // the last count it reported

	// Set before done is closed.
	result  *workerResult
	waitErr error
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startWorkers starts a worker process for each configuration; they wait,
// ready, for startAll. The processes that are still running when the test
// ends are killed.
func startWorkers(t *testing.T, cfgs ...workerConfig) []*worker {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var ws []*worker
	t.Cleanup(func() {
		for _, w := range ws {
			w.stdin.Close() // a worker exits when its input closes
			select {
			case <-w.done:
				continue
			case <-time.After(2 * time.Second):
			}
			_ = w.cmd.Process.Kill()
			select {
			case <-w.done:
			case <-time.After(10 * time.Second):
				t.Errorf("worker %d (pid %d) did not exit after SIGKILL", w.cfg.ID, w.cmd.Process.Pid)
			}
		}
	})
	for _, cfg := range cfgs {
		spec, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		w := &worker{cfg: cfg, ready: make(chan struct{}), done: make(chan struct{})}
		w.cmd = exec.Command(exe, "-test.run=^$")
		w.cmd.Env = append(os.Environ(), workerEnv+"="+string(spec))
		w.cmd.Stderr = &w.stderr
		if w.stdin, err = w.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		stdout, err := w.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := w.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
		go w.read(stdout)
	}
	return ws
}

// read reads the worker's output until it ends, then waits for the process.
func (w *worker) read(stdout io.Reader) {
	sc := bufio.NewScanner(stdout)
	ready := false
	var result *workerResult
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == readyLine && !ready:
			ready = true
			close(w.ready)
		case strings.HasPrefix(line, toldPrefix):
			n, _ := strconv.Atoi(strings.TrimPrefix(line, toldPrefix))
			w.told.Store(int64(n))
		case strings.HasPrefix(line, resultLine):
			result = new(workerResult)
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, resultLine)), result); err != nil {
				result = nil
			}
		default:
			fmt.Fprintf(&w.stderr, "stdout: %s\n", line)
		}
	}
	io.Copy(io.Discard, stdout)
	w.waitErr = w.cmd.Wait()
	w.result = result
	close(w.done)
}

// startAll waits until every worker is ready, then tells them all to start,
// as nearly at the same moment as it can.
func startAll(t *testing.T, ws []*worker) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for _, w := range ws {
		select {
		case <-w.ready:
		case <-w.done:
			t.Fatalf("worker %d exited before it was ready: %v\n%s", w.cfg.ID, w.waitErr, w.stderr.String())
		case <-deadline:
			t.Fatalf("worker %d is not ready after 60s\n%s", w.cfg.ID, w.stderr.String())
		}
	}
	for _, w := range ws {
		if _, err := io.WriteString(w.stdin, "go\n"); err != nil {
			t.Fatalf("start worker %d: %v", w.cfg.ID, err)
		}
	}
}

// waitAll waits, at most timeout in all, for the workers to exit, and
// checks that each exited cleanly, with no error from Optimize.
func waitAll(t *testing.T, ws []*worker, timeout time.Duration) []workerResult {
	t.Helper()
	deadline := time.After(timeout)
	var results []workerResult
	for _, w := range ws {
		select {
		case <-w.done:
		case <-deadline:
			t.Fatalf("worker %d has not stopped after %v (it told %d trials)\n%s", w.cfg.ID, timeout, w.told.Load(), w.stderr.String())
		}
		switch {
		case w.waitErr != nil:
			t.Fatalf("worker %d: %v\n%s", w.cfg.ID, w.waitErr, w.stderr.String())
		case w.result == nil:
			t.Fatalf("worker %d reported no result\n%s", w.cfg.ID, w.stderr.String())
		case w.result.Err != "":
			t.Errorf("worker %d: %s\n%s", w.cfg.ID, w.result.Err, w.stderr.String())
		case w.stderr.String() != "":
			// No warning (a failed heartbeat, say for a busy database) and
			// no other output.
			t.Errorf("worker %d wrote to stderr:\n%s", w.cfg.ID, w.stderr.String())
		}
		results = append(results, *w.result)
	}
	if t.Failed() {
		t.FailNow()
	}
	return results
}

// sumTold is how many trials the workers told in all.
func sumTold(results []workerResult) int {
	n := 0
	for _, r := range results {
		n += r.Told
	}
	return n
}

// checkNumbers checks that trials are numbered 0, 1, 2, ... with no gap and
// no duplicate, and that there are want of them.
func checkNumbers(t *testing.T, trials []tune.FrozenTrial, want int) {
	t.Helper()
	if len(trials) != want {
		t.Errorf("%d trials, want %d", len(trials), want)
	}
	for i, tr := range trials {
		if tr.Number != i {
			t.Fatalf("trial %d of the list has number %d: numbers are not 0..%d without gaps and duplicates", i, tr.Number, len(trials)-1)
		}
	}
}

// checkComplete checks that a trial is Complete with the value its
// parameters give.
func checkComplete(t *testing.T, tr tune.FrozenTrial) {
	t.Helper()
	if tr.State != tune.Complete {
		t.Errorf("trial %d is %v (%v), want Complete", tr.Number, tr.State, tr.SystemAttrs[tune.FailReasonAttr])
		return
	}
	p := tr.ParamValues()
	x, _ := p["x"].(float64)
	y, _ := p["y"].(int)
	c, _ := p["c"].(string)
	if len(p) != 3 || c == "" {
		t.Errorf("trial %d has parameters %v, want x, y and c", tr.Number, p)
		return
	}
	if want := objectiveValue(x, y, c); len(tr.Values) != 1 || tr.Values[0] != want {
		t.Errorf("trial %d has values %v, but its parameters %v give %v", tr.Number, tr.Values, p, want)
	}
}

// workerOf returns the user attribute "worker" of a trial, or -1.
func workerOf(tr tune.FrozenTrial) int {
	if w, ok := tr.UserAttrs["worker"].(float64); ok {
		return int(w)
	}
	return -1
}

// watch reads the study's trials again and again, as a dashboard would,
// while the workers write, and checks that each read is a consistent
// picture: every trial has each of its parameters once and at most one
// value, a Complete trial exactly one. The returned function stops it and
// reports what it saw.
func watch(t *testing.T, s storage.Storage, name string) (stop func()) {
	t.Helper()
	info, err := s.LoadStudy(bg, name)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var (
		once sync.Once
		wg   sync.WaitGroup
		bad  []string
	)
	halt := func() { once.Do(func() { close(done) }); wg.Wait() }
	t.Cleanup(halt) // if the test ends before stop
	reads := 0
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			trials, err := s.Trials(bg, info.ID, storage.TrialQuery{})
			if err != nil {
				bad = append(bad, err.Error())
				return
			}
			reads++
			for _, tr := range trials {
				names := map[string]bool{}
				for _, p := range tr.Params {
					if names[p.Name] {
						bad = append(bad, fmt.Sprintf("read %d: trial %d has parameter %q twice: %v", reads, tr.Number, p.Name, tr.Params))
					}
					names[p.Name] = true
				}
				if len(tr.Values) > 1 || tr.State == tune.Complete && len(tr.Values) != 1 {
					bad = append(bad, fmt.Sprintf("read %d: %v trial %d has values %v", reads, tr.State, tr.Number, tr.Values))
				}
			}
			if len(bad) > 0 {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	return func() {
		t.Helper()
		halt()
		t.Logf("%d reads of the trials while the workers ran", reads)
		for i, b := range bad {
			if i == 5 {
				t.Errorf("...")
				break
			}
			t.Error(b)
		}
	}
}
