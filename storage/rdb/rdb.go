package rdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/go-sql-driver/mysql" // the mysql driver
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // the pgx driver
	_ "modernc.org/sqlite"           // the sqlite driver

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
)

// Storage is a storage.Storage in a relational database. It is safe for
// concurrent use by goroutines, and any number of processes may open the
// same database.
type Storage struct {
	db *sql.DB
	// durable is the pool of the writes that must last: in PostgreSQL, a
	// pool whose connections commit synchronously (db's do not); else db.
	durable *sql.DB
	d       *dialect
	t       target
	opts    Options

	distMu sync.Mutex
	dists  map[string]core.Distribution // parsed distribution_json
	known  map[paramKey]core.Distribution
	ndirs  map[int64]int // directions per study
	// trialStudies holds the study of each running trial this storage
	// created or claimed.
	trialStudies map[int64]int64
	stmts        sync.Map // query -> *sql.Stmt (SQLite)
	nstmts       atomic.Int32
}

// maxStmts bounds the prepared statements kept.
const maxStmts = 256

type paramKey struct {
	study int64
	name  string
}

// Options tune a Storage. The zero value gives the defaults.
type Options struct {
	// HeartbeatInterval is how often a worker records that its running
	// trial is alive. 0 means 10 seconds; a negative value turns
	// heartbeats off.
	HeartbeatInterval time.Duration
	// GracePeriod is how long a Running trial's heartbeat may be silent
	// before a worker marks it Fail. 0 means 4 heartbeat intervals.
	GracePeriod time.Duration
	// MaxRetryWait bounds how long a transaction that meets a busy
	// database or a deadlock is retried (with back-off) before its error is
	// returned. 0 means one minute.
	MaxRetryWait time.Duration
}

// Open opens the database that url names (see the package documentation),
// creating Optuna's schema in it if it is empty, and checking its revision
// otherwise: a database of another revision is refused with ErrSchema and
// left untouched.
func Open(ctx context.Context, url string) (*Storage, error) {
	return OpenWith(ctx, url, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, url string, opts Options) (*Storage, error) {
	t, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	if t.dialect == SQLite {
		if err := checkSQLiteFile(t.path); err != nil {
			return nil, err
		}
	}
	dsn := t.dsn
	if t.dialect == Postgres {
		dsn = asyncCommits(dsn)
	}
	db, err := sql.Open(t.driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("rdb: open %s: %w", t.safe, err)
	}
	durable := db
	if t.dialect == Postgres && dsn != t.dsn {
		// A second pool for the writes that must last (durableTx).
		if durable, err = sql.Open(t.driver, addParam(t.dsn, "synchronous_commit=on")); err != nil {
			db.Close()
			return nil, fmt.Errorf("rdb: open %s: %w", t.safe, err)
		}
	}
	s := &Storage{db: db, durable: durable, d: dialects[t.dialect], t: t, opts: opts,
		dists: map[string]core.Distribution{}, known: map[paramKey]core.Distribution{}, ndirs: map[int64]int{}, trialStudies: map[int64]int64{}}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("rdb: connect to %s: %w", t.safe, err)
	}
	if err := s.initSchema(ctx); err != nil {
		db.Close()
		if errors.Is(err, ErrSchema) {
			return nil, err
		}
		return nil, fmt.Errorf("rdb: %s: %w", t.safe, err)
	}
	if t.dialect == SQLite {
		if err := s.walMode(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("rdb: %s: WAL mode: %w", t.safe, err)
		}
	}
	return s, nil
}

// walMode puts a SQLite database in WAL mode, which lets readers run beside
// the writer. The mode is persistent: every connection, of every process,
// then uses it. It is set only once initSchema has accepted the database,
// because the switch rewrites the file's header, and a database that rdb
// refuses is left untouched. A busy database is retried, as in tx (the
// switch cannot run in a transaction).
func (s *Storage) walMode(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := s.db.ExecContext(ctx, "PRAGMA journal_mode=WAL")
		if err == nil || !retryable(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(rand.Int64N(int64(20*time.Millisecond))) + time.Millisecond):
		}
	}
}

// checkSQLiteFile refuses a file that exists and is not a SQLite database,
// before the driver would write to it.
func checkSQLiteFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("rdb: %w", err)
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := f.Read(head)
	if n == 0 {
		return nil // an empty file becomes a new database
	}
	if string(head[:n]) != "SQLite format 3\x00" {
		return fmt.Errorf("%w: %s is not a SQLite database", ErrSchema, path)
	}
	return nil
}

// Close closes the database.
func (s *Storage) Close() error {
	s.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	if s.durable != s.db {
		s.durable.Close()
	}
	return s.db.Close()
}

// DB returns the underlying database handle.
func (s *Storage) DB() *sql.DB { return s.db }

// Dialect returns the database's dialect.
func (s *Storage) Dialect() Dialect { return s.d.name }

// HeartbeatInterval implements storage.Heartbeater.
func (s *Storage) HeartbeatInterval() time.Duration {
	switch {
	case s.opts.HeartbeatInterval < 0:
		return 0
	case s.opts.HeartbeatInterval == 0:
		return 10 * time.Second
	}
	return s.opts.HeartbeatInterval
}

// GracePeriod returns how long a heartbeat may be silent (see Options).
func (s *Storage) GracePeriod() time.Duration {
	if s.opts.GracePeriod > 0 {
		return s.opts.GracePeriod
	}
	return 4 * s.HeartbeatInterval()
}

// tx runs fn in a transaction, again with back-off while the database is
// busy or the transaction deadlocks, up to MaxRetryWait.
func (s *Storage) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.runTx(ctx, nil, fn)
}

// readTx runs fn in a read-only transaction, so that its queries see one
// snapshot. In SQLite it takes no write lock (a deferred transaction in WAL
// mode), so readers never wait for writers. In PostgreSQL it is Repeatable
// Read: under the default, Read Committed, each statement has a snapshot of
// its own, and a trial created between the query of the trials and that of
// their parameters and attributes would be read half.
func (s *Storage) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d.name == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return s.runTx(ctx, opts, fn)
}

func (s *Storage) runTx(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	return s.retrying(ctx, func() error { return s.tryTx(ctx, s.db, opts, fn) })
}

// durableTx is tx for the writes that must survive a crash of the database
// server once they return: PostgreSQL connections commit asynchronously
// (see Open), and these transactions ask for a synchronous commit.
func (s *Storage) durableTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.retrying(ctx, func() error { return s.tryTx(ctx, s.durable, nil, fn) })
}

// retrying runs fn again with back-off while it fails because the database
// is busy or a transaction deadlocked, up to MaxRetryWait.
func (s *Storage) retrying(ctx context.Context, fn func() error) error {
	limit := s.opts.MaxRetryWait
	if limit <= 0 {
		limit = time.Minute
	}
	deadline := time.Now().Add(limit)
	wait := time.Millisecond
	for {
		err := fn()
		if err == nil || !retryable(err) || time.Now().After(deadline) {
			return err
		}
		// Full jitter, so that retrying workers spread out.
		d := time.Duration(rand.Int64N(int64(wait))) + time.Millisecond
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

func (s *Storage) tryTx(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(*sql.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// withPgx runs fn on a connection of db's pool (PostgreSQL) as pgx's own
// connection, for what database/sql cannot do, such as pipelines.
func (s *Storage) withPgx(ctx context.Context, db *sql.DB, fn func(*pgx.Conn) error) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(dc any) error { return fn(dc.(*stdlib.Conn).Conn()) })
}

// q rebinds a query for the dialect.
func (s *Storage) q(query string) string { return s.d.bind(query) }

// timeLayout is how datetimes are written: local time without a zone, as
// Optuna writes them (Python's datetime.now()).
const timeLayout = "2006-01-02 15:04:05.000000"

func now() string { return time.Now().Format(timeLayout) }

// scanTime reads a datetime column in whatever form the driver returns.
type scanTime struct{ t time.Time }

func (st *scanTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		st.t = time.Time{}
	case time.Time:
		// The column has no zone: read its wall clock as local time.
		st.t = time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.Local)
	case string:
		return st.parse(x)
	case []byte:
		return st.parse(string(x))
	default:
		return fmt.Errorf("rdb: datetime of type %T", v)
	}
	return nil
}

func (st *scanTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			st.t = t
			return nil
		}
	}
	return fmt.Errorf("rdb: unreadable datetime %q", s)
}

var _ storage.Storage = (*Storage)(nil)

// conn is what statements run on: a transaction, or the database itself
// for a statement that is a transaction of its own.
type conn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Statements go through exec, query and queryRow, which bind the query for
// the dialect and, for SQLite, reuse one prepared statement per query and
// connection (pgx caches its own; MySQL queries are interpolated by the
// client): parsing SQL was a sixth of a trial's time.
func (s *Storage) exec(ctx context.Context, c conn, query string, args ...any) (sql.Result, error) {
	if st := s.prepared(ctx, c, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.ExecContext(ctx, s.q(query), args...)
}

func (s *Storage) query(ctx context.Context, c conn, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(ctx, c, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.QueryContext(ctx, s.q(query), args...)
}

func (s *Storage) queryRow(ctx context.Context, c conn, query string, args ...any) *sql.Row {
	if st := s.prepared(ctx, c, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.QueryRowContext(ctx, s.q(query), args...)
}

// prepared returns the prepared statement of query for c, or nil.
func (s *Storage) prepared(ctx context.Context, c conn, query string) *sql.Stmt {
	st := s.stmt(ctx, query)
	if st == nil {
		return nil
	}
	if tx, ok := c.(*sql.Tx); ok {
		return tx.StmtContext(ctx, st)
	}
	return st
}

// stmt returns the prepared statement of query, for SQLite; nil otherwise
// or when it cannot be prepared (the query then runs unprepared and reports
// its own error).
func (s *Storage) stmt(ctx context.Context, query string) *sql.Stmt {
	if s.d.name != SQLite {
		return nil
	}
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if s.nstmts.Load() >= maxStmts {
		return nil // queries with IN lists of many lengths: do not keep them all
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if old, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return old.(*sql.Stmt)
	}
	s.nstmts.Add(1)
	return st
}

// asyncCommits makes a PostgreSQL connection commit without waiting for the
// disk (unless the URL says otherwise): the many small writes of a running
// trial (its creation, parameters, intermediate values, heartbeats) then
// cost a round trip each instead of a flush. A crash of the server may lose
// the last of them, never a told trial: Tell (FinishTrial) and the other
// writes that must last commit synchronously (durableTx), which also flushes
// everything written before them.
func asyncCommits(dsn string) string {
	if strings.Contains(dsn, "synchronous_commit=") {
		return dsn // the URL says how
	}
	return addParam(dsn, "synchronous_commit=off")
}

func addParam(dsn, param string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + param
	}
	return dsn + "?" + param
}
