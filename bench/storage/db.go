package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/go-sql-driver/mysql" // the mysql driver
	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver
	_ "modernc.org/sqlite"             // the sqlite driver
)

// backend makes a new, empty database for each cell of the benchmark.
type backend interface {
	// name is the storage's dialect: sqlite, postgresql or mysql.
	name() string
	// version is the database's version, for the report.
	version(ctx context.Context) string
	// fresh creates a new, empty database.
	fresh(ctx context.Context) (*freshDB, error)
	// close releases the backend (not the databases, which freshDB.drop
	// removes).
	close()
}

// freshDB is a database made for one cell.
type freshDB struct {
	url       string // tune's storage URL
	optunaURL string // Optuna's (SQLAlchemy's) URL
	name      string // the database's name, or the SQLite file
	open      func() (*sql.DB, error)
	drop      func() error
}

// completed returns how many Complete trials the database holds.
func (d *freshDB) completed(ctx context.Context) (int, error) {
	db, err := d.open()
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, "SELECT COUNT(*) FROM trials WHERE state = 'COMPLETE'").Scan(&n)
	return n, err
}

// sqliteBackend makes a new file for each database.
type sqliteBackend struct {
	dir string
	n   int
}

func (b *sqliteBackend) name() string { return "sqlite" }
func (b *sqliteBackend) close()       {}

func (b *sqliteBackend) version(ctx context.Context) string {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return "?"
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v); err != nil {
		return "?"
	}
	return "SQLite " + v + " (modernc.org/sqlite, WAL)"
}

func (b *sqliteBackend) fresh(context.Context) (*freshDB, error) {
	b.n++
	path, err := filepath.Abs(filepath.Join(b.dir, fmt.Sprintf("bench-%d.db", b.n)))
	if err != nil {
		return nil, err
	}
	// sqlite:/// and an absolute path: four slashes, as Optuna writes it.
	u := "sqlite:///" + path
	return &freshDB{
		url: u, optunaURL: u, name: path,
		open: func() (*sql.DB, error) { return sql.Open("sqlite", path) },
		drop: func() error {
			var errs []error
			for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
				if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		},
	}, nil
}

// serverBackend creates a database on a PostgreSQL or MySQL server for each
// cell, and drops it afterwards.
type serverBackend struct {
	dialect string // postgresql or mysql
	admin   *url.URL
	db      *sql.DB // connected to admin, for CREATE and DROP DATABASE
	n       int
}

// openServer connects to the server at adminURL, a URL of a database to
// connect to for CREATE DATABASE (it is not written to).
func openServer(ctx context.Context, dialect, adminURL string) (*serverBackend, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("%s admin URL: %v", dialect, err)
	}
	driver, dsn := serverDSN(dialect, u)
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("no %s server answers at %s: %v", dialect, u.Redacted(), err)
	}
	return &serverBackend{dialect: dialect, admin: u, db: db}, nil
}

// serverDSN returns the database/sql driver and data source name for u.
func serverDSN(dialect string, u *url.URL) (driver, dsn string) {
	if dialect == "postgresql" {
		v := *u
		v.Scheme = "postgres"
		return "pgx", v.String()
	}
	host := u.Host
	if u.Port() == "" {
		host += ":3306"
	}
	user := u.User.Username()
	if pw, ok := u.User.Password(); ok {
		user += ":" + pw
	}
	return "mysql", fmt.Sprintf("%s@tcp(%s)%s", user, host, u.Path)
}

func (b *serverBackend) name() string { return b.dialect }
func (b *serverBackend) close()       { b.db.Close() }

func (b *serverBackend) version(ctx context.Context) string {
	var v string
	q, name := "SHOW server_version", "PostgreSQL "
	if b.dialect == "mysql" {
		q, name = "SELECT VERSION()", "MySQL "
	}
	if err := b.db.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return "?"
	}
	if strings.Contains(strings.ToLower(v), "mariadb") {
		name = "MariaDB "
	}
	return name + v
}

func (b *serverBackend) fresh(ctx context.Context) (*freshDB, error) {
	b.n++
	name := fmt.Sprintf("tune_bench_%d_%d", os.Getpid(), b.n)
	if _, err := b.db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u := *b.admin
	u.Path = "/" + name
	optunaURL := u.String()
	if b.dialect == "mysql" {
		v := u
		v.Scheme = "mysql+pymysql"
		optunaURL = v.String()
	}
	return &freshDB{
		url: u.String(), optunaURL: optunaURL, name: name,
		open: func() (*sql.DB, error) { return sql.Open(serverDSN(b.dialect, &u)) },
		drop: func() error {
			// Dropping must not depend on the run's context: it runs after
			// an interrupt too.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if b.dialect == "postgresql" {
				_, _ = b.db.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)
			}
			if _, err := b.db.ExecContext(ctx, "DROP DATABASE "+name); err != nil {
				return fmt.Errorf("drop database %s: %w", name, err)
			}
			return nil
		},
	}, nil
}

// pgCounters are PostgreSQL's statistics of a database (pg_stat_database),
// and the server's WAL syncs (pg_stat_wal): what the workers of a cell made
// the server do.
type pgCounters struct {
	Commits, Rollbacks, Returned, Fetched, Inserted, Updated int64
	WALSyncs                                                 int64 // server-wide; -1 if unknown
}

// pgStats reads the counters of database name on the admin connection. Run
// after the workers have exited, it sees all their statistics (a backend
// flushes them when it exits).
func (b *serverBackend) pgStats(ctx context.Context, name string) (pgCounters, error) {
	var c pgCounters
	err := b.db.QueryRowContext(ctx, `SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated
		FROM pg_stat_database WHERE datname = $1`, name).Scan(&c.Commits, &c.Rollbacks, &c.Returned, &c.Fetched, &c.Inserted, &c.Updated)
	if err != nil {
		return c, err
	}
	c.WALSyncs = b.walSyncs(ctx)
	return c, nil
}

// walSyncs returns how many times the server has synced its WAL to disk,
// or -1 if it does not say (pg_stat_wal is PostgreSQL 14 and later).
func (b *serverBackend) walSyncs(ctx context.Context) int64 {
	var n int64
	if err := b.db.QueryRowContext(ctx, "SELECT wal_sync FROM pg_stat_wal").Scan(&n); err != nil {
		return -1
	}
	return n
}
