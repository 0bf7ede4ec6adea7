package distributed_test

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/core/coretest"
	"github.com/go-tune/tune/pruner"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/sampler/grid"
	"github.com/go-tune/tune/storage/rdb"
)

// TestManyWorkers: 4 processes, 2 goroutines each, run 250 trials each on
// one study. There are exactly 1,000 trials, numbered 0..999, all Complete
// with the value of their own parameters; each worker told 250 and ran the
// 250 that carry its id; the workers' trials interleave, so the processes
// ran at the same time. No busy error reaches Optimize. Meanwhile the test
// reads the trials again and again, and each read must be consistent (a
// trial created between the statements of one read was once attached, half,
// to another trial on PostgreSQL).
func TestManyWorkers(t *testing.T) {
	const procs, each = 4, 250
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel() // the backends are independent; their workers share the CPUs
			url := b.url(t)
			s := openStorage(t, url, rdb.Options{})
			newStudy(t, s, "many")
			var cfgs []workerConfig
			for i := range procs {
				cfgs = append(cfgs, workerConfig{ID: i, URL: url, Study: "many", Trials: each, Workers: 2, Sleep: time.Millisecond})
			}
			ws := startWorkers(t, cfgs...)
			start := time.Now()
			startAll(t, ws)
			stopWatch := watch(t, s, "many")
			results := waitAll(t, ws, 120*time.Second)
			stopWatch()
			t.Logf("%d trials in %v", procs*each, time.Since(start).Round(time.Millisecond))

			for _, r := range results {
				if r.Told != each {
					t.Errorf("worker %d told %d trials, want %d", r.ID, r.Told, each)
				}
			}
			if n := sumTold(results); n != procs*each {
				t.Errorf("the workers told %d trials in all, want %d", n, procs*each)
			}
			trials := storedTrials(t, s, "many")
			checkNumbers(t, trials, procs*each)
			per := make([]int, procs)
			first, last := make([]int, procs), make([]int, procs)
			switches := 0
			for i, tr := range trials {
				checkComplete(t, tr)
				w := workerOf(tr)
				if w < 0 || w >= procs {
					t.Fatalf("trial %d has worker %v", tr.Number, tr.UserAttrs["worker"])
				}
				if per[w] == 0 {
					first[w] = tr.Number
				}
				per[w]++
				last[w] = tr.Number
				if i > 0 && workerOf(trials[i-1]) != w {
					switches++
				}
			}
			for w, n := range per {
				if n != each {
					t.Errorf("worker %d ran %d trials, want %d", w, n, each)
				}
			}
			// Every worker's first trial comes before every worker's last
			// one: the processes overlapped in time.
			if slices.Max(first) >= slices.Min(last) {
				t.Errorf("the workers did not run at the same time: first trials %v, last trials %v", first, last)
			}
			if switches < procs*each/20 {
				t.Errorf("the workers' trials interleave only %d times", switches)
			}
			t.Logf("first trials %v, last trials %v, %d changes of worker along the numbers", first, last, switches)
			if b.name == "sqlite" {
				checkIntegrity(t, s.DB())
			}
		})
	}
}

// TestGrid: a grid of 120 combinations, 4 processes with 2 goroutines each
// and no trial limit. There are exactly 120 trials, one per combination,
// each with that combination's parameters, and every process stops by
// itself when the grid is exhausted.
func TestGrid(t *testing.T) {
	g, err := grid.New(gridSpace())
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel() // the backends are independent; their workers share the CPUs
			url := b.url(t)
			s := openStorage(t, url, rdb.Options{})
			newStudy(t, s, "grid")
			var cfgs []workerConfig
			for i := range 4 {
				cfgs = append(cfgs, workerConfig{ID: i, URL: url, Study: "grid", Grid: true, Workers: 2, Sleep: time.Millisecond})
			}
			ws := startWorkers(t, cfgs...)
			start := time.Now()
			startAll(t, ws)
			results := waitAll(t, ws, 60*time.Second)
			t.Logf("%d combinations in %v", g.Size(), time.Since(start).Round(time.Millisecond))

			if n := sumTold(results); n != g.Size() {
				t.Errorf("the workers told %d trials in all, want %d", n, g.Size())
			}
			trials := storedTrials(t, s, "grid")
			checkNumbers(t, trials, g.Size())
			seen := make([]int, g.Size())
			for _, tr := range trials {
				checkComplete(t, tr)
				id, ok := tr.SystemAttrs[grid.GridIDAttr].(float64)
				if !ok || id < 0 || int(id) >= g.Size() {
					t.Errorf("trial %d has grid_id %v", tr.Number, tr.SystemAttrs[grid.GridIDAttr])
					continue
				}
				seen[int(id)]++
				p, want := tr.ParamValues(), g.Point(int(id))
				if p["x"] != want["x"] || p["y"] != want["y"] || p["c"] != want["c"] {
					t.Errorf("trial %d, combination %v, has parameters %v, want %v", tr.Number, id, p, want)
				}
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("combination %d was run %d times", id, n)
				}
			}
		})
	}
}

// TestEnqueued: 100 trials with distinct fixed parameters are enqueued, then
// 4 processes with 2 goroutines each run 25 trials each. Each enqueued
// trial is claimed and run exactly once, with its fixed parameters, and
// since there are as many trials as enqueued ones, no worker ever created a
// new trial while one was waiting.
func TestEnqueued(t *testing.T) {
	const n, procs = 100, 4
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel() // the backends are independent; their workers share the CPUs
			url := b.url(t)
			s := openStorage(t, url, rdb.Options{})
			study := newStudy(t, s, "queue")
			for i := range n {
				if _, err := study.Enqueue(bg, map[string]any{"y": i, "x": float64(i)/10 - 5}); err != nil {
					t.Fatal(err)
				}
			}
			var cfgs []workerConfig
			for i := range procs {
				cfgs = append(cfgs, workerConfig{ID: i, URL: url, Study: "queue", Trials: n / procs, Workers: 2, Sleep: time.Millisecond})
			}
			ws := startWorkers(t, cfgs...)
			start := time.Now()
			startAll(t, ws)
			results := waitAll(t, ws, 60*time.Second)
			t.Logf("%d enqueued trials in %v", n, time.Since(start).Round(time.Millisecond))

			if got := sumTold(results); got != n {
				t.Errorf("the workers told %d trials in all, want %d", got, n)
			}
			trials := storedTrials(t, s, "queue")
			checkNumbers(t, trials, n)
			runs := make([]int, n)
			workers := map[int]bool{}
			for _, tr := range trials {
				checkComplete(t, tr)
				workers[workerOf(tr)] = true
				fixed, ok := tr.SystemAttrs[tune.FixedParamsAttr].(map[string]any)
				if !ok {
					t.Errorf("trial %d was not enqueued", tr.Number)
					continue
				}
				y, _ := fixed["y"].(float64)
				p := tr.ParamValues()
				if p["y"] != int(y) || p["x"] != fixed["x"] {
					t.Errorf("trial %d has parameters %v, but was enqueued with %v", tr.Number, p, fixed)
				}
				if i := int(y); i >= 0 && i < n {
					runs[i]++
				}
			}
			for i, k := range runs {
				if k != 1 {
					t.Errorf("enqueued parameters y=%d were run %d times", i, k)
				}
			}
			if len(workers) != procs {
				t.Errorf("the trials were run by workers %v, want all %d", workers, procs)
			}
		})
	}
}

// TestCreateRace: 4 processes open a new database and create the same study
// at the same moment, with LoadIfExists. Exactly one creates it, the others
// load it; they all use the seed recorded in the study; and their 100
// trials are numbered 0..99.
func TestCreateRace(t *testing.T) {
	const procs, each = 4, 25
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel() // the backends are independent; their workers share the CPUs
			url := b.url(t)
			var cfgs []workerConfig
			for i := range procs {
				cfgs = append(cfgs, workerConfig{ID: i, URL: url, Study: "race", Create: true, Trials: each})
			}
			ws := startWorkers(t, cfgs...)
			startAll(t, ws)
			results := waitAll(t, ws, 60*time.Second)

			created := 0
			for _, r := range results {
				if r.Created {
					created++
				}
				if r.Created == r.Existed {
					t.Errorf("worker %d: created %v, found the study there %v", r.ID, r.Created, r.Existed)
				}
			}
			if created != 1 {
				t.Errorf("%d workers created the study, want 1", created)
			}
			s := openStorage(t, url, rdb.Options{})
			studies, err := s.Studies(bg)
			if err != nil {
				t.Fatal(err)
			}
			if len(studies) != 1 {
				t.Fatalf("%d studies, want 1", len(studies))
			}
			recorded := studies[0].SystemAttrs[tune.SeedAttr]
			for _, r := range results {
				if fmt.Sprint(r.Seed) == recorded {
					continue
				}
				t.Errorf("worker %d (created %v) uses seed %d; the study records %v", r.ID, r.Created, r.Seed, recorded)
			}
			trials := storedTrials(t, s, "race")
			checkNumbers(t, trials, procs*each)
			for _, tr := range trials {
				checkComplete(t, tr)
			}
		})
	}
}

// TestKill: 3 workers, with heartbeats every 100ms and a grace period of
// 500ms. Worker 0 blocks in its third trial, after reporting a value, and
// is killed with SIGKILL. The live workers fail that trial for its stale
// heartbeat and go on; every other trial is Complete and nothing is lost:
// the trials are those the live workers told, the two the dead one told,
// and its dead trial. With a retry policy, a live worker runs the dead
// trial's parameters again, once. The SQLite file is intact.
func TestKill(t *testing.T) {
	const blockAt = 3
	opts := rdb.Options{HeartbeatInterval: 100 * time.Millisecond, GracePeriod: 500 * time.Millisecond}
	for _, tc := range []struct {
		b       backend
		retries int
	}{
		{sqliteDB, 0},
		{sqliteDB, 1},
		{postgres, 1},
		{mysql, 1},
	} {
		t.Run(fmt.Sprintf("%s/retries=%d", tc.b.name, tc.retries), func(t *testing.T) {
			url := tc.b.url(t)
			s := openStorage(t, url, opts)
			newStudy(t, s, "kill")
			cfgs := []workerConfig{{ID: 0, URL: url, Study: "kill", Heartbeat: opts.HeartbeatInterval, Grace: opts.GracePeriod, BlockAt: blockAt, Timeout: time.Minute}}
			for i := 1; i <= 2; i++ {
				cfgs = append(cfgs, workerConfig{ID: i, URL: url, Study: "kill", Heartbeat: opts.HeartbeatInterval, Grace: opts.GracePeriod,
					Retries: tc.retries, Sleep: 10 * time.Millisecond, UntilFailover: 20, Timeout: time.Minute})
			}
			ws := startWorkers(t, cfgs...)
			victim, live := ws[0], ws[1:]
			startAll(t, ws)

			// Wait until the victim's blocking trial runs, with its report.
			dead := -1
			for deadline := time.Now().Add(30 * time.Second); dead < 0; time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("worker 0 never ran its blocking trial\n%s", victim.stderr.String())
				}
				for _, tr := range storedTrials(t, s, "kill") {
					if tr.State == tune.Running && workerOf(tr) == 0 && len(tr.Intermediate) > 0 {
						dead = tr.Number
					}
				}
			}
			if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed := time.Now()
			select {
			case <-victim.done:
			case <-time.After(10 * time.Second):
				t.Fatal("worker 0 did not die")
			}
			if st, ok := victim.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !st.Signaled() || st.Signal() != syscall.SIGKILL {
				t.Fatalf("worker 0 ended with %v, not by SIGKILL", victim.waitErr)
			}
			results := waitAll(t, live, 60*time.Second)
			t.Logf("trial %d killed; the live workers stopped %v later", dead, time.Since(killed).Round(time.Millisecond))

			victimTold := int(victim.told.Load())
			if victimTold != blockAt-1 {
				t.Errorf("worker 0 told %d trials before it blocked, want %d", victimTold, blockAt-1)
			}
			trials := storedTrials(t, s, "kill")
			checkNumbers(t, trials, sumTold(results)+victimTold+1)
			var retries []tune.FrozenTrial
			for _, tr := range trials {
				if tr.Number == dead {
					continue
				}
				checkComplete(t, tr)
				if _, ok := tr.SystemAttrs[tune.FailedTrialAttr]; ok {
					retries = append(retries, tr)
				}
			}
			d := trials[dead]
			if d.State != tune.Fail || d.SystemAttrs[tune.FailReasonAttr] != rdb.StaleReason {
				t.Errorf("killed trial %d is %v with fail_reason %q, want Fail with %q", dead, d.State, d.SystemAttrs[tune.FailReasonAttr], rdb.StaleReason)
			}
			if len(d.Intermediate) != 1 || workerOf(d) != 0 {
				t.Errorf("killed trial %d has intermediate values %v and worker %d, want one value and worker 0", dead, d.Intermediate, workerOf(d))
			}
			// SQLite's clock is this machine's; a server's may be elsewhere.
			if silent := d.Complete.Sub(d.Heartbeat); tc.b.name == "sqlite" && silent < opts.GracePeriod-2*time.Millisecond {
				t.Errorf("killed trial %d was failed %v after its last heartbeat, before the grace period %v", dead, silent, opts.GracePeriod)
			}
			if tc.retries == 0 {
				if len(retries) != 0 {
					t.Errorf("trials %v are retries, want none", retries)
				}
			} else {
				if len(retries) != 1 {
					t.Fatalf("%d retries, want 1", len(retries))
				}
				r := retries[0]
				if r.SystemAttrs[tune.FailedTrialAttr] != float64(dead) {
					t.Errorf("retry %d has failed_trial %v, want %d", r.Number, r.SystemAttrs[tune.FailedTrialAttr], dead)
				}
				if p, want := r.ParamValues(), d.ParamValues(); fmt.Sprint(p) != fmt.Sprint(want) {
					t.Errorf("retry %d has parameters %v, the killed trial %v", r.Number, p, want)
				}
				if w := workerOf(r); w != 1 && w != 2 {
					t.Errorf("retry %d was run by worker %d, want a live one", r.Number, w)
				}
			}
			if tc.b.name == "sqlite" {
				checkIntegrity(t, s.DB())
			}
		})
	}
}

// checkIntegrity runs SQLite's integrity check.
func checkIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.QueryContext(bg, "PRAGMA integrity_check")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		got = append(got, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != "ok" {
		t.Errorf("PRAGMA integrity_check: %q, want ok", got)
	}
}

// TestPruning: three processes share a study on each database, with
// successive halving and with Hyperband; each trial reports a learning
// curve and stops when pruned. The pruners keep nothing in memory, so
// what they decided must agree with what is stored whatever process
// decided it: every rung a trial recorded is one it reached (rung k at
// step 3^k for ASHA, at 3^(k+bracket) for Hyperband), rungs are recorded
// without gaps, a pruned trial stopped exactly at a rung, and Hyperband's
// estimate-free brackets hold.
func TestPruning(t *testing.T) {
	const procs, each, steps = 3, 20, 27
	for _, b := range backends {
		for _, p := range []string{"asha", "hyperband"} {
			t.Run(b.name+"/"+p, func(t *testing.T) {
				url := b.url(t)
				s := openStorage(t, url, rdb.Options{})
				name := "prune-" + p
				newStudy(t, s, name)
				var cfgs []workerConfig
				for i := range procs {
					cfgs = append(cfgs, workerConfig{ID: i, URL: url, Study: name, Trials: each, Workers: 2, Pruner: p, Steps: steps})
				}
				ws := startWorkers(t, cfgs...)
				startAll(t, ws)
				results := waitAll(t, ws, 120*time.Second)
				if n := sumTold(results); n != procs*each {
					t.Errorf("the workers told %d trials, want %d", n, procs*each)
				}
				trials := storedTrials(t, s, name)
				checkNumbers(t, trials, procs*each)
				h := pruner.Hyperband{MinResource: 1, MaxResource: 27}
				named := coretest.New([]core.Direction{core.Minimize}) // for the brackets: crc32 of the name and number
				named.StudyName = name
				pruned, promoted := 0, 0
				for _, tr := range trials {
					first := 0 // the step of rung 0
					if p == "hyperband" {
						g, err := h.Group(context.Background(), named, tr.Number)
						if err != nil {
							t.Fatal(err)
						}
						first = g
					}
					last, _ := tr.LastStep()
					rungs := 0
					for k := range 10 {
						if _, ok := tr.SystemAttrs[fmt.Sprintf("completed_rung_%d", k)]; ok {
							if k != rungs {
								t.Fatalf("trial %d has rung %d without rung %d", tr.Number, k, rungs)
							}
							rungs++
						}
					}
					if rungs > 0 && last.Step < pow3(first+rungs-1) {
						t.Errorf("trial %d recorded rung %d but stopped at step %d", tr.Number, rungs-1, last.Step)
					}
					switch tr.State {
					case tune.Pruned:
						pruned++
						if last.Step != pow3(first+rungs-1) {
							t.Errorf("trial %d was pruned at step %d, not at its last rung (step %d)", tr.Number, last.Step, pow3(first+rungs-1))
						}
					case tune.Complete:
						if last.Step != steps-1 {
							t.Errorf("trial %d completed at step %d", tr.Number, last.Step)
						}
						promoted++
					default:
						t.Errorf("trial %d is %v", tr.Number, tr.State)
					}
				}
				if pruned == 0 || promoted == 0 {
					t.Errorf("%d pruned and %d complete trials; want both", pruned, promoted)
				}
				t.Logf("%d pruned, %d complete", pruned, promoted)
			})
		}
	}
}

func pow3(k int) int {
	r := 1
	for range k {
		r *= 3
	}
	return r
}
