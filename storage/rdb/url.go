package rdb

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// Dialect names a database kind.
type Dialect string

// The dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgresql"
	MySQL    Dialect = "mysql"
)

// target is a parsed storage URL: the dialect and what its driver needs.
type target struct {
	dialect Dialect
	driver  string // database/sql driver name
	dsn     string // the driver's data source name
	path    string // SQLite: the file
	safe    string // the URL with its password hidden, for messages
}

// parseURL parses a storage URL in Optuna's form. Errors name the bad part
// and never show the password.
func parseURL(raw string) (target, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return target{}, fmt.Errorf("rdb: storage URL %q has no scheme (want sqlite:///file.db, postgresql://... or mysql://...)", redact(raw))
	}
	base, _, _ := strings.Cut(strings.ToLower(scheme), "+") // postgresql+psycopg2, mysql+pymysql
	switch base {
	case "sqlite":
		return parseSQLite(raw, rest)
	case "postgresql", "postgres":
		return parseServer(raw, Postgres)
	case "mysql", "mariadb":
		return parseServer(raw, MySQL)
	}
	return target{}, fmt.Errorf("rdb: storage URL %q: unknown scheme %q (want sqlite, postgresql or mysql)", redact(raw), scheme)
}

func parseSQLite(raw, rest string) (target, error) {
	// sqlite:///relative.db -> rest "/relative.db"; sqlite:////abs.db -> "//abs.db".
	path, query, _ := strings.Cut(rest, "?")
	if !strings.HasPrefix(path, "/") {
		return target{}, fmt.Errorf("rdb: storage URL %q: a SQLite URL has three slashes before the file: sqlite:///file.db", raw)
	}
	path = path[1:]
	if path == "" || path == ":memory:" {
		return target{}, fmt.Errorf("rdb: storage URL %q: no database file (for a study in memory, use the memory storage)", raw)
	}
	if query != "" {
		return target{}, fmt.Errorf("rdb: storage URL %q: SQLite URLs take no options, got %q", raw, query)
	}
	path = filepath.Clean(path)
	// A writer takes the lock at BEGIN (immediate), so that two writers
	// never deadlock on an upgrade; busy waits are also retried by the
	// storage. WAL mode is set by Open, once the schema is checked.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	return target{dialect: SQLite, driver: "sqlite", dsn: dsn, path: path, safe: raw}, nil
}

func parseServer(raw string, d Dialect) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, fmt.Errorf("rdb: storage URL %q: %v", redact(raw), stripURLErr(err))
	}
	safe := u.Redacted()
	if u.Host == "" && u.Query().Get("host") == "" && u.Query().Get("unix_socket") == "" {
		return target{}, fmt.Errorf("rdb: storage URL %q: no host", safe)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return target{}, fmt.Errorf("rdb: storage URL %q: bad port %q", safe, p)
		}
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" || strings.Contains(db, "/") {
		return target{}, fmt.Errorf("rdb: storage URL %q: want one database name after the host, got %q", safe, u.Path)
	}
	if d == Postgres {
		u.Scheme = "postgres"
		return target{dialect: d, driver: "pgx", dsn: u.String(), safe: safe}, nil
	}
	// go-sql-driver/mysql's DSN: user:password@tcp(host:port)/db?params
	var b strings.Builder
	if u.User != nil {
		b.WriteString(u.User.Username())
		if pw, ok := u.User.Password(); ok {
			b.WriteString(":" + pw)
		}
		b.WriteByte('@')
	}
	q := u.Query()
	if sock := q.Get("unix_socket"); sock != "" {
		b.WriteString("unix(" + sock + ")")
		q.Del("unix_socket")
	} else {
		host := u.Host
		if u.Port() == "" {
			host += ":3306"
		}
		b.WriteString("tcp(" + host + ")")
	}
	b.WriteString("/" + db)
	q.Del("charset")
	q.Set("charset", "utf8mb4")
	q.Set("interpolateParams", "true")
	b.WriteString("?" + q.Encode())
	return target{dialect: d, driver: "mysql", dsn: b.String(), safe: safe}, nil
}

// redact hides what looks like a password in a URL that did not parse.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// stripURLErr drops the URL that url.Error repeats (with the password).
func stripURLErr(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
