package rdb_test

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

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// The servers the tests use. Each test creates a database of its own on the
// server and drops it afterwards; the URLs name the database to connect to
// for that (it is not written to).
//
//	TUNE_TEST_POSTGRES  default postgresql://root@127.0.0.1:5432/postgres
//	TUNE_TEST_MYSQL     default mysql://root@127.0.0.1:3306/test
//
// Set one to "off" to skip its tests. Where a server does not answer, its
// tests are skipped with a message, except in CI (CI=true), where they fail.
var servers = map[string]struct{ env, def string }{
	"postgresql": {"TUNE_TEST_POSTGRES", "postgresql://root@127.0.0.1:5432/postgres"},
	"mysql":      {"TUNE_TEST_MYSQL", "mysql://root@127.0.0.1:3306/test"},
}

// serverDB creates a new database on the server of the dialect and returns
// its storage URL; the database is dropped when the test ends.
func serverDB(t testing.TB, dialect string) string {
	t.Helper()
	srv := servers[dialect]
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
	driver, dsn := "pgx", strings.Replace(admin, "postgresql://", "postgres://", 1)
	if dialect == "mysql" {
		pw, _ := u.User.Password()
		driver, dsn = "mysql", fmt.Sprintf("%s:%s@tcp(%s)%s", u.User.Username(), pw, u.Host, u.Path)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s server at %s does not answer (%v); CI must run these tests", dialect, u.Redacted(), err)
		}
		t.Skipf("no %s server answers at %s (%v); set %s to one, or to off", dialect, u.Redacted(), err, srv.env)
	}
	name := fmt.Sprintf("tune_test_%d_%d", time.Now().UnixNano()%1e9, rand.IntN(1e6))
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
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
		db.Close()
	})
	u.Path = "/" + name
	return u.String()
}
