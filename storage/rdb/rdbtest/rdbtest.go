// Package rdbtest gives tests of tune's relational storage a database of
// their own on the PostgreSQL and MySQL/MariaDB servers they may use.
//
// The servers come from environment variables, each a storage URL that
// names a database to connect to for creating others (it is not written
// to):
//
//	TUNE_TEST_POSTGRES  default postgresql://root@127.0.0.1:5432/postgres
//	TUNE_TEST_MYSQL     default mysql://root@127.0.0.1:3306/test
//
// "off" skips the server's tests. Where a server does not answer, its tests
// are skipped with a message, except in CI (CI=true), where they fail: CI
// must run them.
package rdbtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // the mysql driver
	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver
)

var servers = map[string]struct{ env, def string }{
	"postgresql": {"TUNE_TEST_POSTGRES", "postgresql://root@127.0.0.1:5432/postgres"},
	"mysql":      {"TUNE_TEST_MYSQL", "mysql://root@127.0.0.1:3306/test"},
}

// ServerURL creates a new database on the server of dialect ("postgresql"
// or "mysql") and returns its storage URL; the database is dropped when the
// test ends.
func ServerURL(t testing.TB, dialect string) string {
	t.Helper()
	srv, ok := servers[dialect]
	if !ok {
		t.Fatalf("rdbtest: unknown dialect %q", dialect)
	}
	admin := os.Getenv(srv.env)
	if admin == "" {
		admin = srv.def
	}
	if admin == "off" {
		t.Skipf("%s tests are off (%s=off)", dialect, srv.env)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", srv.env, err)
	}
	db := Open(t, admin)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s server at %s does not answer (%v); CI must run these tests", dialect, u.Redacted(), err)
		}
		t.Skipf("no %s server answers at %s (%v); set %s to one, or to off", dialect, u.Redacted(), err, srv.env)
	}
	name := fmt.Sprintf("tune_test_%d_%d", time.Now().UnixNano()%1e9, rand.IntN(1e6))
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if dialect == "postgresql" {
			_, _ = db.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)
		}
		if _, err := db.ExecContext(ctx, "DROP DATABASE "+name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Open opens the database of a postgresql:// or mysql:// storage URL with
// database/sql, without tune (to set up or inspect a database by hand); it
// is closed when the test ends.
func Open(t testing.TB, storageURL string) *sql.DB {
	t.Helper()
	u, err := url.Parse(storageURL)
	if err != nil {
		t.Fatal(err)
	}
	driver, dsn := "pgx", strings.Replace(storageURL, "postgresql://", "postgres://", 1)
	if u.Scheme == "mysql" {
		pw, _ := u.User.Password()
		driver, dsn = "mysql", fmt.Sprintf("%s:%s@tcp(%s)%s", u.User.Username(), pw, u.Host, u.Path)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
