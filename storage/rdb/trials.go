package rdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
)

// CreateTrial implements storage.Storage. The study's row is locked while
// the trial is numbered, as Optuna does, so that numbers are dense and
// unique between any processes, tune's or Optuna's.
func (s *Storage) CreateTrial(ctx context.Context, studyID int64, spec storage.TrialSpec) (core.Trial, error) {
	if err := storage.CheckSpec(spec); err != nil {
		return core.Trial{}, err
	}
	user, err := encodeAttrs(spec.UserAttrs)
	if err != nil {
		return core.Trial{}, err
	}
	sys, err := encodeAttrs(spec.SystemAttrs)
	if err != nil {
		return core.Trial{}, err
	}
	var keyJSON string
	if spec.Key != "" {
		if keyJSON, err = attrJSON(core.KeyAttr, spec.Key); err != nil {
			return core.Trial{}, err
		}
		sys[core.KeyAttr] = keyJSON
	}
	var id int64
	var startT time.Time
	var rec core.Trial
	if spec.State == core.Running {
		startT = time.Now().Truncate(time.Microsecond)
	}
	var claimed bool
	if s.d.name == Postgres {
		id, rec.Number, claimed, err = s.createPostgres(ctx, studyID, spec, startT, user, sys, keyJSON)
	} else {
		claimed, err = s.createTx(ctx, studyID, spec, startT, user, sys, keyJSON, &id, &rec.Number)
	}
	if err != nil {
		return core.Trial{}, err
	}
	s.remember(id, studyID)
	if claimed {
		return s.Trial(ctx, id)
	}
	// The new trial is what was written: build its record rather than read
	// it back.
	rec.ID, rec.State, rec.Start = id, spec.State, startT
	if spec.Heartbeat && spec.State == core.Running {
		rec.Heartbeat = startT
	}
	for _, st := range spec.Intermediate {
		rec.SetIntermediate(st.Step, st.Value)
	}
	if rec.UserAttrs, err = decodeAttrs(user); err != nil {
		return core.Trial{}, err
	}
	if rec.SystemAttrs, err = decodeAttrs(sys); err != nil {
		return core.Trial{}, err
	}
	return rec, nil
}

// createPostgres is CreateTrial in PostgreSQL, in one round trip: a
// pipeline of two statements in one implicit transaction, the lock of the
// study's row and then one statement that inserts the trial (numbered
// after the last, which the lock keeps still), its first heartbeat,
// attributes and intermediate values. Under Read Committed each statement
// has a snapshot of its own, taken once the one before has returned: the
// insert sees every trial that was committed before the lock was granted.
//
// With spec.OrClaim, the statement first looks for the lowest Waiting
// trial (skipping one that a claimer elsewhere holds), and moves it to
// Running instead of inserting.
func (s *Storage) createPostgres(ctx context.Context, studyID int64, spec storage.TrialSpec, startT time.Time, user, sys map[string]string, keyJSON string) (id int64, number int, claimed bool, err error) {
	if err := s.checkID("study", studyID); err != nil {
		return 0, 0, false, err
	}
	var start any
	if spec.State == core.Running {
		start = startT.Format(timeLayout)
	}
	var q strings.Builder
	var args []any
	q.WriteString("WITH ")
	if spec.OrClaim {
		q.WriteString("w AS (SELECT trial_id FROM trials WHERE study_id = ? AND state = ?::trialstate ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED), " +
			"c AS (UPDATE trials SET state = ?::trialstate, datetime_start = ?::timestamp WHERE trial_id IN (SELECT trial_id FROM w) RETURNING trial_id, number), ")
		args = append(args, studyID, core.Waiting.String(), core.Running.String(), start)
	}
	q.WriteString("t AS (INSERT INTO trials (number, study_id, state, datetime_start) SELECT COALESCE(MAX(number) + 1, 0), ?, ?::trialstate, ?::timestamp FROM trials WHERE study_id = ? HAVING EXISTS (SELECT 1 FROM studies WHERE study_id = ?)")
	args = append(args, studyID, spec.State.String(), start, studyID, studyID)
	if spec.OrClaim {
		q.WriteString(" AND NOT EXISTS (SELECT 1 FROM w)")
	}
	if spec.Key != "" {
		q.WriteString(" AND NOT EXISTS (SELECT 1 FROM trial_system_attributes a JOIN trials u ON a.trial_id = u.trial_id WHERE u.study_id = ? AND a.\"key\" = ? AND a.value_json = ?)")
		args = append(args, studyID, core.KeyAttr, keyJSON)
	}
	q.WriteString(" RETURNING trial_id, number)")
	started := "SELECT trial_id FROM t"
	if spec.OrClaim {
		started += " UNION ALL SELECT trial_id FROM c"
	}
	if spec.Heartbeat && spec.State == core.Running {
		q.WriteString(", h AS (INSERT INTO trial_heartbeats (trial_id, heartbeat) SELECT trial_id, LOCALTIMESTAMP FROM (" + started +
			") AS n ON CONFLICT (trial_id) DO UPDATE SET heartbeat = excluded.heartbeat)")
	}
	if len(spec.Intermediate) > 0 {
		q.WriteString(", i AS (INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) SELECT t.trial_id, x.s, x.v, x.ty FROM t, (VALUES ")
		for i, st := range spec.Intermediate {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?::integer, ?::double precision, ?::trialintermediatevaluetype)")
			v, typ := storedIntermediate(st.Value)
			args = append(args, st.Step, v, typ)
		}
		q.WriteString(") AS x(s, v, ty))")
	}
	for _, a := range []struct {
		name, table string
		attrs       map[string]string
	}{{"ua", "trial_user_attributes", user}, {"sa", "trial_system_attributes", sys}} {
		if len(a.attrs) == 0 {
			continue
		}
		q.WriteString(", " + a.name + " AS (INSERT INTO " + a.table + " (trial_id, \"key\", value_json) SELECT t.trial_id, x.k, x.v FROM t, (VALUES ")
		first := true
		for k, js := range a.attrs {
			if !first {
				q.WriteString(", ")
			}
			first = false
			q.WriteString("(?::text, ?::text)")
			args = append(args, k, js)
		}
		q.WriteString(") AS x(k, v))")
	}
	q.WriteString(" SELECT trial_id, number, false FROM t")
	if spec.OrClaim {
		q.WriteString(" UNION ALL SELECT trial_id, number, true FROM c")
	}
	insert := s.q(q.String())
	err = s.retrying(ctx, func() error {
		return s.withPgx(ctx, s.db, func(c *pgx.Conn) error {
			b := &pgx.Batch{}
			b.Queue(s.q("SELECT study_id FROM studies WHERE study_id = ? FOR UPDATE"), studyID)
			b.Queue(insert, args...)
			br := c.SendBatch(ctx, b)
			var sid int64
			lockErr := br.QueryRow().Scan(&sid)
			insErr := br.QueryRow().Scan(&id, &number, &claimed)
			closeErr := br.Close()
			switch {
			case errors.Is(lockErr, pgx.ErrNoRows):
				return fmt.Errorf("%w: study id %d", storage.ErrNotFound, studyID)
			case lockErr != nil:
				return lockErr
			case errors.Is(insErr, pgx.ErrNoRows):
				return fmt.Errorf("%w: %q", storage.ErrDuplicateKey, spec.Key)
			case insErr != nil:
				return insErr
			}
			return closeErr
		})
	})
	return id, number, claimed, err
}

// createTx is CreateTrial in SQLite and MySQL: a transaction.
// With spec.OrClaim, it claims the study's lowest Waiting trial instead,
// if there is one.
func (s *Storage) createTx(ctx context.Context, studyID int64, spec storage.TrialSpec, startT time.Time, user, sys map[string]string, keyJSON string, idp *int64, number *int) (claimed bool, err error) {
	var id int64
	var rec core.Trial
	err = s.tx(ctx, func(tx *sql.Tx) error {
		claimed = false
		if err := s.lockStudy(ctx, tx, studyID); err != nil {
			return err
		}
		if spec.OrClaim {
			err := s.queryRow(ctx, tx, "SELECT trial_id, number FROM trials WHERE study_id = ? AND state = ? ORDER BY number LIMIT 1"+s.d.forUpdate,
				studyID, core.Waiting.String()).Scan(&id, &rec.Number)
			switch {
			case err == nil:
				claimed = true
				if _, err := s.exec(ctx, tx, "UPDATE trials SET state = ?, datetime_start = ? WHERE trial_id = ?",
					core.Running.String(), startT.Format(timeLayout), id); err != nil {
					return err
				}
				if spec.Heartbeat {
					_, err := s.exec(ctx, tx, "INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, "+s.d.now+")"+s.d.upsert("trial_id", "heartbeat"), id)
					return err
				}
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
		}
		if spec.Key != "" {
			var n int
			err := s.queryRow(ctx, tx, ("SELECT COUNT(*) FROM trial_system_attributes a JOIN trials t ON a.trial_id = t.trial_id WHERE t.study_id = ? AND a." + s.keyCol() + " = ? AND a.value_json = ?"),
				studyID, core.KeyAttr, keyJSON).Scan(&n)
			if err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("%w: %q", storage.ErrDuplicateKey, spec.Key)
			}
		}
		var start any
		if spec.State == core.Running {
			start = startT.Format(timeLayout)
		}
		beat := spec.Heartbeat && spec.State == core.Running
		// Number it after the last trial of the study, which the lock on the
		// study's row keeps still (Optuna counts the trials before it, the
		// same number).
		if s.d.name == MySQL {
			var last sql.NullInt64
			if err := s.queryRow(ctx, tx, "SELECT MAX(number) FROM trials WHERE study_id = ?", studyID).Scan(&last); err != nil {
				return err
			}
			rec.Number = 0
			if last.Valid {
				rec.Number = int(last.Int64) + 1
			}
			var err error
			id, err = s.insertID(ctx, tx, "INSERT INTO trials (number, study_id, state, datetime_start) VALUES (?, ?, ?, ?)",
				"trial_id", rec.Number, studyID, spec.State.String(), start)
			if err != nil {
				return err
			}
		} else {
			// SQLite: one statement, with RETURNING.
			insert := "INSERT INTO trials (number, study_id, state, datetime_start) SELECT COALESCE(MAX(number) + 1, 0), ?, " +
				s.d.enum("trialstate") + ", " + s.d.timestamp + " FROM trials WHERE study_id = ? RETURNING trial_id, number"
			err := s.queryRow(ctx, tx, insert, studyID, spec.State.String(), start, studyID).Scan(&id, &rec.Number)
			if err != nil {
				return err
			}
		}
		if beat {
			if _, err := s.exec(ctx, tx, "INSERT INTO trial_heartbeats (trial_id, heartbeat) VALUES (?, "+s.d.now+")", id); err != nil {
				return err
			}
		}
		for _, st := range spec.Intermediate {
			v, typ := storedIntermediate(st.Value)
			if _, err := s.exec(ctx, tx, ("INSERT INTO trial_intermediate_values (trial_id, step, intermediate_value, intermediate_value_type) VALUES (?, ?, ?, " + s.d.enum("trialintermediatevaluetype") + ")"),
				id, st.Step, v, typ); err != nil {
				return err
			}
		}
		for table, attrs := range map[string]map[string]string{"trial_user_attributes": user, "trial_system_attributes": sys} {
			for k, js := range attrs {
				if _, err := s.exec(ctx, tx, ("INSERT INTO " + table + " (trial_id, " + s.keyCol() + ", value_json) VALUES (?, ?, ?)"), id, k, js); err != nil {
					return err
				}
			}
		}
		return nil
	})
	*idp, *number = id, rec.Number
	return claimed, err
}

func decodeAttrs(m map[string]string) (map[string]any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(m))
	for k, js := range m {
		var v any
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func encodeAttrs(m map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(m))
	for k, v := range m {
		js, err := attrJSON(k, v)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		out[k] = js
	}
	return out, nil
}

// ClaimTrial implements storage.Storage: the Waiting trial with the lowest
// number is moved to Running by a conditional update, which only one of
// concurrent claimers can make.
func (s *Storage) ClaimTrial(ctx context.Context, studyID int64) (core.Trial, error) {
	if err := s.checkID("study", studyID); err != nil {
		return core.Trial{}, err
	}
	for {
		// Look first, outside any transaction: most asks find no Waiting
		// trial, and should not take a lock to learn it.
		var sid int64
		var id sql.NullInt64
		err := s.retrying(ctx, func() error {
			return s.queryRow(ctx, s.db, "SELECT s.study_id, (SELECT t.trial_id FROM trials t WHERE t.study_id = s.study_id AND t.state = "+s.d.enum("trialstate")+
				" ORDER BY t.number LIMIT 1) FROM studies s WHERE s.study_id = ?", core.Waiting.String(), studyID).Scan(&sid, &id)
		})
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return core.Trial{}, fmt.Errorf("%w: study id %d", storage.ErrNotFound, studyID)
		case err != nil:
			return core.Trial{}, err
		case !id.Valid:
			return core.Trial{}, storage.ErrNoWaiting
		}
		var n int64
		err = s.retrying(ctx, func() error {
			res, err := s.exec(ctx, s.db, "UPDATE trials SET state = "+s.d.enum("trialstate")+", datetime_start = ? WHERE trial_id = ? AND state = "+s.d.enum("trialstate"),
				core.Running.String(), now(), id.Int64, core.Waiting.String())
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return core.Trial{}, err
		}
		if n == 1 {
			s.remember(id.Int64, studyID)
			return s.Trial(ctx, id.Int64)
		}
		// Another worker claimed it between the look and the update.
	}
}

// lockTrial reads a trial's state and study, locking its row, and checks
// that the trial may change: ErrFinished for a finished trial and, when
// running is set, ErrNotRunning for a Waiting one.
func (s *Storage) lockTrial(ctx context.Context, tx *sql.Tx, trialID int64, running bool) (studyID int64, number int, err error) {
	if err := s.checkID("trial", trialID); err != nil {
		return 0, 0, err
	}
	var state string
	err = s.queryRow(ctx, tx, ("SELECT study_id, number, state FROM trials WHERE trial_id = ?"+s.d.forUpdate), trialID).Scan(&studyID, &number, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("%w: trial id %d", storage.ErrNotFound, trialID)
	}
	if err != nil {
		return 0, 0, err
	}
	st, err := core.ParseState(state)
	switch {
	case err != nil:
		return 0, 0, err
	case st.Finished():
		return 0, 0, fmt.Errorf("%w: trial %d is %v", storage.ErrFinished, number, st)
	case running && st != core.Running:
		return 0, 0, fmt.Errorf("%w: trial %d is %v", storage.ErrNotRunning, number, st)
	}
	return studyID, number, nil
}

// SetParam implements storage.Storage.
func (s *Storage) SetParam(ctx context.Context, trialID int64, p core.Param) error {
	return s.SetParams(ctx, trialID, []core.Param{p})
}

// SetParams implements storage.ParamBatcher: in PostgreSQL one statement
// (one round trip), elsewhere one transaction.
func (s *Storage) SetParams(ctx context.Context, trialID int64, ps []core.Param) error {
	if err := storage.CheckParams(ps); err != nil {
		return err
	}
	if err := s.checkID("trial", trialID); err != nil {
		return err
	}
	if len(ps) == 0 {
		return nil
	}
	studyID, err := s.trialStudy(ctx, trialID)
	if err != nil {
		return err
	}
	var fresh []core.Param // the first of their name in the study, as far as this storage knows
	for _, p := range ps {
		old, err := s.studyDist(ctx, s.db, studyID, p.Name)
		if err != nil {
			return err
		}
		if old == nil {
			fresh = append(fresh, p)
		} else if err := core.CheckCompatible(old, p.Dist); err != nil {
			return fmt.Errorf("parameter %q: %w", p.Name, err)
		}
	}
	if len(ps) == 1 || s.d.name == Postgres {
		err = s.writeParams(ctx, trialID, ps)
	} else {
		err = s.tx(ctx, func(tx *sql.Tx) error {
			if _, _, err := s.lockTrial(ctx, tx, trialID, true); err != nil {
				return err
			}
			for _, p := range ps {
				if _, err := s.exec(ctx, tx, "INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) VALUES (?, ?, ?, ?)",
					trialID, p.Name, p.Internal, core.DistributionJSON(p.Dist)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if uniqueViolation(err) {
		names := make([]string, len(ps))
		for i, p := range ps {
			names[i] = strconv.Quote(p.Name)
		}
		return fmt.Errorf("%w: trial id %d already has one of the parameters %s", storage.ErrInvalid, trialID, strings.Join(names, ", "))
	}
	if err == nil {
		s.distMu.Lock()
		for _, p := range fresh {
			s.known[paramKey{studyID, p.Name}] = p.Dist
		}
		s.distMu.Unlock()
	}
	return err
}

// writeParams inserts parameters of a Running trial in one statement, with
// writeLive's check of the trial's state.
func (s *Storage) writeParams(ctx context.Context, trialID int64, ps []core.Param) error {
	if len(ps) == 1 {
		p := ps[0]
		return s.writeLive(ctx, trialID, true, "trial_params", "param_name, param_value, distribution_json", "?, ?, ?", "",
			p.Name, p.Internal, core.DistributionJSON(p.Dist))
	}
	// PostgreSQL: the rows as a VALUES list joined to the trial's row.
	var q strings.Builder
	q.WriteString("INSERT INTO trial_params (trial_id, param_name, param_value, distribution_json) SELECT t.trial_id, x.n, x.v, x.d FROM trials t, (VALUES ")
	args := make([]any, 0, 3*len(ps)+2)
	for i, p := range ps {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?::text, ?::double precision, ?::text)")
		args = append(args, p.Name, p.Internal, core.DistributionJSON(p.Dist))
	}
	q.WriteString(") AS x(n, v, d) WHERE t.trial_id = ? AND t.state = ?::trialstate FOR SHARE OF t")
	args = append(args, trialID, core.Running.String())
	return s.execLive(ctx, trialID, true, q.String(), args)
}

// writeLive writes a row of a trial that may still change (Running, or
// also Waiting unless running is set), in one statement that is its own
// transaction:
//
//	INSERT INTO table (trial_id, cols) SELECT ?, exprs FROM trials
//	WHERE trial_id = ? AND state IN (...) [FOR SHARE] [upsert]
//
// The lock on the trial's row (FOR SHARE in PostgreSQL; InnoDB locks what
// INSERT ... SELECT reads; SQLite locks the database) makes the check of the
// state and the write one step: a trial that another worker finishes
// meanwhile is not written to. When nothing is written, it says why
// (ErrNotFound, ErrFinished, ErrNotRunning).
func (s *Storage) writeLive(ctx context.Context, trialID int64, running bool, table, cols, exprs, upsert string, args ...any) error {
	states := []any{core.Running.String()}
	in := s.d.enum("trialstate")
	if !running {
		states = append(states, core.Waiting.String())
		in += ", " + s.d.enum("trialstate")
	}
	q := "INSERT INTO " + table + " (trial_id, " + cols + ") SELECT ?, " + exprs +
		" FROM trials WHERE trial_id = ? AND state IN (" + in + ")" + s.d.share + upsert
	all := append(append(append([]any{trialID}, args...), trialID), states...)
	return s.execLive(ctx, trialID, running, q, all)
}

// execLive runs a write of writeLive's form and, when it wrote nothing,
// says why.
func (s *Storage) execLive(ctx context.Context, trialID int64, running bool, q string, args []any) error {
	var n int64
	err := s.retrying(ctx, func() error {
		res, err := s.exec(ctx, s.db, q, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil || n > 0 {
		return err
	}
	// Nothing written: the trial is missing or no longer live (or, in
	// MySQL, an upsert found the row already as it would write it).
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, _, err := s.lockTrial(ctx, tx, trialID, running)
		return err
	})
}

// trialStudy returns the study of a trial, from memory for the trials this
// storage created or claimed.
func (s *Storage) trialStudy(ctx context.Context, trialID int64) (int64, error) {
	s.distMu.Lock()
	id, ok := s.trialStudies[trialID]
	s.distMu.Unlock()
	if ok {
		return id, nil
	}
	err := s.queryRow(ctx, s.db, "SELECT study_id FROM trials WHERE trial_id = ?", trialID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: trial id %d", storage.ErrNotFound, trialID)
	}
	return id, err
}

// remember notes the study of a trial this storage created or claimed, for
// trialStudy; forget drops it when the trial ends.
func (s *Storage) remember(trialID, studyID int64) {
	s.distMu.Lock()
	s.trialStudies[trialID] = studyID
	s.distMu.Unlock()
}

func (s *Storage) forget(trialID int64) {
	s.distMu.Lock()
	delete(s.trialStudies, trialID)
	s.distMu.Unlock()
}

// studyDist returns the distribution that parameter name has in the study
// (nil if none yet). A parameter's kind, log scale and choices never change
// in a study, so the first answer is kept.
func (s *Storage) studyDist(ctx context.Context, c conn, studyID int64, name string) (core.Distribution, error) {
	s.distMu.Lock()
	d, ok := s.known[paramKey{studyID, name}]
	s.distMu.Unlock()
	if ok {
		return d, nil
	}
	var dj string
	err := s.queryRow(ctx, c, "SELECT p.distribution_json FROM trial_params p JOIN trials t ON p.trial_id = t.trial_id WHERE t.study_id = ? AND p.param_name = ? LIMIT 1", studyID, name).Scan(&dj)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d, err = s.parseDist(dj)
	if err != nil {
		return nil, err
	}
	s.distMu.Lock()
	s.known[paramKey{studyID, name}] = d
	s.distMu.Unlock()
	return d, nil
}

// parseDist parses distribution_json, once per distinct text.
func (s *Storage) parseDist(dj string) (core.Distribution, error) {
	s.distMu.Lock()
	d, ok := s.dists[dj]
	s.distMu.Unlock()
	if ok {
		return d, nil
	}
	d, err := core.ParseDistribution([]byte(dj))
	if err != nil {
		return nil, fmt.Errorf("rdb: %w", err)
	}
	s.distMu.Lock()
	s.dists[dj] = d
	s.distMu.Unlock()
	return d, nil
}

// SetIntermediate implements storage.Storage.
func (s *Storage) SetIntermediate(ctx context.Context, trialID int64, step int, value float64) error {
	if step < 0 {
		return fmt.Errorf("%w: step %d is negative", storage.ErrInvalid, step)
	}
	if err := s.checkID("trial", trialID); err != nil {
		return err
	}
	v, typ := storedIntermediate(value)
	return s.writeLive(ctx, trialID, true, "trial_intermediate_values", "step, intermediate_value, intermediate_value_type",
		"?, ?, "+s.d.enum("trialintermediatevaluetype"), s.d.upsert("trial_id, step", "intermediate_value", "intermediate_value_type"),
		step, v, typ)
}

// storedValue and storedIntermediate are Optuna's encodings of values:
// infinities (and, for intermediate values, NaN) as NULL with a type.
func storedValue(v float64) (any, string) {
	switch {
	case math.IsInf(v, 1):
		return nil, "INF_POS"
	case math.IsInf(v, -1):
		return nil, "INF_NEG"
	}
	return v, "FINITE"
}

func storedIntermediate(v float64) (any, string) {
	if math.IsNaN(v) {
		return nil, "NAN"
	}
	return storedValue(v)
}

func readValue(v sql.NullFloat64, typ string) float64 {
	switch typ {
	case "INF_POS":
		return math.Inf(1)
	case "INF_NEG":
		return math.Inf(-1)
	case "NAN":
		return math.NaN()
	}
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// SetTrialUserAttr implements storage.Storage.
func (s *Storage) SetTrialUserAttr(ctx context.Context, trialID int64, key string, value any) error {
	return s.setTrialAttr(ctx, "trial_user_attributes", trialID, key, value)
}

// SetTrialSystemAttr implements storage.Storage.
func (s *Storage) SetTrialSystemAttr(ctx context.Context, trialID int64, key string, value any) error {
	return s.setTrialAttr(ctx, "trial_system_attributes", trialID, key, value)
}

func (s *Storage) setTrialAttr(ctx context.Context, table string, trialID int64, key string, value any) error {
	js, err := attrJSON(key, value)
	if err != nil {
		return err
	}
	if err := s.checkID("trial", trialID); err != nil {
		return err
	}
	k := s.keyCol()
	return s.writeLive(ctx, trialID, false, table, k+", value_json", "?, ?", s.d.upsert("trial_id, "+k, "value_json"), key, js)
}

// Heartbeat implements storage.Storage. The time is the database's, so
// that workers on machines with unequal clocks agree on staleness.
func (s *Storage) Heartbeat(ctx context.Context, trialID int64) error {
	if err := s.checkID("trial", trialID); err != nil {
		return err
	}
	return s.writeLive(ctx, trialID, true, "trial_heartbeats", "heartbeat", s.d.now, s.d.upsert("trial_id", "heartbeat"))
}

// FinishTrial implements storage.Storage.
func (s *Storage) FinishTrial(ctx context.Context, trialID int64, state core.State, values []float64) error {
	defer s.forget(trialID)
	if s.d.name == Postgres {
		return s.finishPostgres(ctx, trialID, state, values)
	}
	return s.durableTx(ctx, func(tx *sql.Tx) error {
		studyID, _, err := s.lockTrial(ctx, tx, trialID, true)
		if err != nil {
			return err
		}
		ndir, err := s.directions(ctx, tx, studyID)
		if err != nil {
			return err
		}
		if err := storage.CheckFinish(state, values, ndir); err != nil {
			return err
		}
		for i, v := range values {
			sv, typ := storedValue(v)
			if _, err := s.exec(ctx, tx, ("INSERT INTO trial_values (trial_id, objective, value, value_type) VALUES (?, ?, ?, " + s.d.enum("trialvaluetype") + ")" +
				s.d.upsert("trial_id, objective", "value", "value_type")), trialID, i, sv, typ); err != nil {
				return err
			}
		}
		_, err = s.exec(ctx, tx, ("UPDATE trials SET state = " + s.d.enum("trialstate") + ", datetime_complete = ? WHERE trial_id = ?"), state.String(), now(), trialID)
		return err
	})
}

// finishPostgres is FinishTrial in one statement (one round trip): the
// update of the state, only while the trial is Running, and the insert of
// its values, on the durable pool.
func (s *Storage) finishPostgres(ctx context.Context, trialID int64, state core.State, values []float64) error {
	if err := s.checkID("trial", trialID); err != nil {
		return err
	}
	studyID, err := s.trialStudy(ctx, trialID)
	if err != nil {
		return err
	}
	ndir, err := s.directions(ctx, s.db, studyID)
	if err != nil {
		return err
	}
	if err := storage.CheckFinish(state, values, ndir); err != nil {
		return err
	}
	var q strings.Builder
	q.WriteString("WITH t AS (UPDATE trials SET state = ?::trialstate, datetime_complete = ?::timestamp WHERE trial_id = ? AND state = ?::trialstate RETURNING trial_id)")
	args := []any{state.String(), now(), trialID, core.Running.String()}
	if len(values) > 0 {
		q.WriteString(", v AS (INSERT INTO trial_values (trial_id, objective, value, value_type) SELECT t.trial_id, x.o, x.v, x.ty FROM t, (VALUES ")
		for i, v := range values {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?::integer, ?::double precision, ?::trialvaluetype)")
			sv, typ := storedValue(v)
			args = append(args, i, sv, typ)
		}
		q.WriteString(") AS x(o, v, ty) ON CONFLICT (trial_id, objective) DO UPDATE SET value = excluded.value, value_type = excluded.value_type)")
	}
	q.WriteString(" SELECT COUNT(*) FROM t")
	var n int
	if err := s.retrying(ctx, func() error { return s.queryRow(ctx, s.durable, q.String(), args...).Scan(&n) }); err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error { // why not: missing, finished or Waiting
		if _, _, err := s.lockTrial(ctx, tx, trialID, true); err != nil {
			return err
		}
		return fmt.Errorf("rdb: trial id %d was not finished", trialID)
	})
}

// Trial implements storage.Storage.
func (s *Storage) Trial(ctx context.Context, trialID int64) (core.Trial, error) {
	if err := s.checkID("trial", trialID); err != nil {
		return core.Trial{}, err
	}
	trials, err := s.readTrials(ctx, "t.trial_id = ?", trialID)
	if err != nil {
		return core.Trial{}, err
	}
	if len(trials) == 0 {
		return core.Trial{}, fmt.Errorf("%w: trial id %d", storage.ErrNotFound, trialID)
	}
	return trials[0], nil
}

// Trials implements storage.Storage.
func (s *Storage) Trials(ctx context.Context, studyID int64, q storage.TrialQuery) ([]core.Trial, error) {
	if err := s.checkID("study", studyID); err != nil {
		return nil, err
	}
	cond := "t.study_id = ? AND t.number >= ?"
	args := []any{studyID, max(q.From, 0)}
	if nums := slices.Compact(slices.Sorted(slices.Values(q.Numbers))); len(nums) > 0 {
		cond = "t.study_id = ? AND (t.number >= ? OR t.number IN (" + strings.Repeat("?, ", len(nums)-1) + "?))"
		for _, n := range nums {
			args = append(args, n)
		}
	}
	var trials []core.Trial
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var sid int64
		err := s.queryRow(ctx, tx, ("SELECT study_id FROM studies WHERE study_id = ?"), studyID).Scan(&sid)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: study id %d", storage.ErrNotFound, studyID)
		}
		if err != nil {
			return err
		}
		trials, err = s.readTrialsTx(ctx, tx, cond, args...)
		return err
	})
	return trials, err
}

func (s *Storage) readTrials(ctx context.Context, cond string, args ...any) ([]core.Trial, error) {
	var trials []core.Trial
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		trials, err = s.readTrialsTx(ctx, tx, cond, args...)
		return err
	})
	return trials, err
}

// readTrialsTx reads the trials that cond (on trials t, with args) selects,
// ordered by number, with everything they hold: one query per table.
func (s *Storage) readTrialsTx(ctx context.Context, tx *sql.Tx, cond string, args ...any) ([]core.Trial, error) {
	rows, err := s.query(ctx, tx, ("SELECT t.trial_id, t.number, t.state, t.datetime_start, t.datetime_complete FROM trials t WHERE " + cond + " ORDER BY t.number"), args...)
	if err != nil {
		return nil, err
	}
	var trials []core.Trial
	byID := map[int64]int{}
	for rows.Next() {
		var t core.Trial
		var state string
		var number sql.NullInt64
		var start, complete scanTime
		if err := rows.Scan(&t.ID, &number, &state, &start, &complete); err != nil {
			rows.Close()
			return nil, err
		}
		if t.State, err = core.ParseState(state); err != nil {
			rows.Close()
			return nil, err
		}
		t.Number, t.Start, t.Complete = int(number.Int64), start.t, complete.t
		byID[t.ID] = len(trials)
		trials = append(trials, t)
	}
	if err := closeRows(rows); err != nil || len(trials) == 0 {
		return trials, err
	}
	sub := "SELECT t.trial_id FROM trials t WHERE " + cond
	// at finds the trial of a row; the reads share one snapshot, so a row of
	// a trial not read above is a bug, reported rather than misfiled.
	at := func(id int64) (*core.Trial, error) {
		i, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("rdb: inconsistent read: a row of trial id %d, which is not among the trials read", id)
		}
		return &trials[i], nil
	}
	// Parameters, in the order they were set.
	if err := s.scanRows(ctx, tx, "SELECT trial_id, param_name, param_value, distribution_json FROM trial_params WHERE trial_id IN ("+sub+") ORDER BY param_id", args, func(rows *sql.Rows) error {
		var id int64
		var p core.Param
		var v sql.NullFloat64
		var dj string
		if err := rows.Scan(&id, &p.Name, &v, &dj); err != nil {
			return err
		}
		d, err := s.parseDist(dj)
		if err != nil {
			return fmt.Errorf("trial id %d, parameter %q: %w", id, p.Name, err)
		}
		p.Internal, p.Dist = v.Float64, d
		t, err := at(id)
		if err != nil {
			return err
		}
		t.Params = append(t.Params, p)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := s.scanRows(ctx, tx, "SELECT trial_id, value, value_type FROM trial_values WHERE trial_id IN ("+sub+") ORDER BY trial_id, objective", args, func(rows *sql.Rows) error {
		var id int64
		var v sql.NullFloat64
		var typ string
		if err := rows.Scan(&id, &v, &typ); err != nil {
			return err
		}
		t, err := at(id)
		if err != nil {
			return err
		}
		t.Values = append(t.Values, readValue(v, typ))
		return nil
	}); err != nil {
		return nil, err
	}
	if err := s.scanRows(ctx, tx, "SELECT trial_id, step, intermediate_value, intermediate_value_type FROM trial_intermediate_values WHERE trial_id IN ("+sub+") ORDER BY trial_id, step", args, func(rows *sql.Rows) error {
		var id int64
		var step int
		var v sql.NullFloat64
		var typ string
		if err := rows.Scan(&id, &step, &v, &typ); err != nil {
			return err
		}
		t, err := at(id)
		if err != nil {
			return err
		}
		t.Intermediate = append(t.Intermediate, core.Step{Step: step, Value: readValue(v, typ)})
		return nil
	}); err != nil {
		return nil, err
	}
	if err := s.scanRows(ctx, tx, "SELECT trial_id, heartbeat FROM trial_heartbeats WHERE trial_id IN ("+sub+")", args, func(rows *sql.Rows) error {
		var id int64
		var hb scanTime
		if err := rows.Scan(&id, &hb); err != nil {
			return err
		}
		t, err := at(id)
		if err != nil {
			return err
		}
		t.Heartbeat = hb.t
		return nil
	}); err != nil {
		return nil, err
	}
	for _, table := range []string{"trial_user_attributes", "trial_system_attributes"} {
		err := s.readAttrs(ctx, tx, "SELECT trial_id, "+s.keyCol()+", value_json FROM "+table+" WHERE trial_id IN ("+sub+")", args, func(id int64) *map[string]any {
			t, err := at(id)
			if err != nil {
				return nil // readAttrs reports it
			}
			if table == "trial_user_attributes" {
				return &t.UserAttrs
			}
			return &t.SystemAttrs
		})
		if err != nil {
			return nil, err
		}
	}
	return trials, nil
}

// scanRows runs query and calls scan for each row.
func (s *Storage) scanRows(ctx context.Context, tx *sql.Tx, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := s.query(ctx, tx, (query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FailStaleTrials implements storage.Heartbeater: it marks Fail, with the
// system attribute fail_reason "stale heartbeat", the study's Running trials
// whose last heartbeat is older than the grace period, and returns them.
// Of concurrent callers, one fails each trial.
func (s *Storage) FailStaleTrials(ctx context.Context, studyID int64) ([]core.Trial, error) {
	if s.HeartbeatInterval() <= 0 {
		return nil, nil
	}
	grace := s.GracePeriod()
	var cond string
	var arg any
	switch s.d.name {
	case SQLite:
		cond = `h.heartbeat < strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime', ?)`
		arg = fmt.Sprintf("-%.6f seconds", grace.Seconds())
	case Postgres:
		cond = `h.heartbeat < LOCALTIMESTAMP - make_interval(secs => ?)`
		arg = grace.Seconds()
	case MySQL:
		cond = `h.heartbeat < NOW(6) - INTERVAL ? MICROSECOND`
		arg = grace.Microseconds()
	}
	var ids []int64
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		return s.scanRows(ctx, tx, "SELECT t.trial_id FROM trials t JOIN trial_heartbeats h ON h.trial_id = t.trial_id WHERE t.study_id = ? AND t.state = "+s.d.enum("trialstate")+" AND "+cond,
			[]any{studyID, core.Running.String(), arg}, func(rows *sql.Rows) error {
				var id int64
				err := rows.Scan(&id)
				ids = append(ids, id)
				return err
			})
	})
	if err != nil {
		return nil, err
	}
	var failed []core.Trial
	for _, id := range ids {
		err := s.durableTx(ctx, func(tx *sql.Tx) error {
			if _, _, err := s.lockTrial(ctx, tx, id, true); err != nil {
				return err
			}
			js, _ := attrJSON(core.FailReasonAttr, StaleReason)
			if err := s.upsertAttr(ctx, tx, "trial_system_attributes", "trial_id", id, core.FailReasonAttr, js); err != nil {
				return err
			}
			_, err := s.exec(ctx, tx, ("UPDATE trials SET state = " + s.d.enum("trialstate") + ", datetime_complete = ? WHERE trial_id = ?"), core.Fail.String(), now(), id)
			return err
		})
		if errors.Is(err, storage.ErrFinished) || errors.Is(err, storage.ErrNotRunning) {
			continue // another worker failed it first, or its own worker finished it
		}
		if err != nil {
			return failed, err
		}
		t, err := s.Trial(ctx, id)
		if err != nil {
			return failed, err
		}
		failed = append(failed, t)
	}
	return failed, nil
}

// StaleReason is the fail_reason of a trial whose heartbeat stopped.
const StaleReason = "stale heartbeat"

// directions returns how many directions the study has; they never change,
// so the answer is kept.
func (s *Storage) directions(ctx context.Context, tx conn, studyID int64) (int, error) {
	s.distMu.Lock()
	n, ok := s.ndirs[studyID]
	s.distMu.Unlock()
	if ok {
		return n, nil
	}
	if err := s.queryRow(ctx, tx, ("SELECT COUNT(*) FROM study_directions WHERE study_id = ?"), studyID).Scan(&n); err != nil {
		return 0, err
	}
	s.distMu.Lock()
	s.ndirs[studyID] = n
	s.distMu.Unlock()
	return n, nil
}
