package rdb_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-tune/tune"
	"github.com/go-tune/tune/storage/rdb"
)

func TestBadURLs(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"tune.db", "no scheme"},
		{"sqlite://tune.db", "three slashes"},
		{"sqlite:///", "no database file"},
		{"sqlite:///:memory:", "memory storage"},
		{"sqlite:///x.db?mode=ro", "take no options"},
		{"redis://localhost/0", `unknown scheme "redis"`},
		{"postgresql://user:secret@/db", "no host"},
		{"postgresql://user:secret@localhost:99999/db", `bad port "99999"`},
		{"postgresql://user:secret@localhost:5432/", "one database name"},
		{"postgresql://user:secret@localhost:5432/a/b", "one database name"},
		{"mysql://user:secret@localhost:3306", "one database name"},
		{"postgresql://user:secret@[::1/db", "missing ']'"},
	} {
		_, err := rdb.Open(context.Background(), c.url)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q) = %v, want an error saying %q", c.url, err, c.want)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q): the error shows the password: %v", c.url, err)
		}
	}
}

// TestUnreachableServer: a server that accepts connections and never
// answers makes Open fail within the context's deadline, not hang.
func TestUnreachableServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	}()
	for _, scheme := range []string{"postgresql", "mysql"} {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		start := time.Now()
		_, err := rdb.Open(ctx, scheme+"://u:p@"+ln.Addr().String()+"/db")
		cancel()
		if err == nil {
			t.Errorf("%s: Open of a silent server succeeded", scheme)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: Open took %v with a 500ms deadline", scheme, d)
		}
	}
}

func TestNotSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	content := []byte("these are my notes, not a database\n")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := rdb.Open(context.Background(), "sqlite:///"+path)
	if !errors.Is(err, rdb.ErrSchema) || !strings.Contains(err.Error(), "not a SQLite database") {
		t.Errorf("Open of a text file: %v, want ErrSchema saying it is not a SQLite database", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
		t.Error("Open changed the file")
	}
}

// TestCreateSameNameConcurrently: workers with their own connections create
// one study name at once: with LoadIfExists all get the same study; without,
// exactly one creates it and the others get ErrStudyExists.
func TestCreateSameNameConcurrently(t *testing.T) {
	for name, newURL := range dialectURLs(t) {
		t.Run(name, func(t *testing.T) {
			url := newURL(t)
			const n = 6
			stores := make([]*rdb.Storage, n)
			for i := range stores {
				stores[i] = openURL(t, url)
			}
			for _, load := range []bool{true, false} {
				study := "same-" + map[bool]string{true: "load", false: "create"}[load]
				var wg sync.WaitGroup
				errs := make([]error, n)
				ids := make([]string, n)
				for i := range n {
					wg.Go(func() {
						opts := []tune.Option{tune.WithStorage(stores[i])}
						if load {
							opts = append(opts, tune.LoadIfExists())
						}
						s, err := tune.CreateStudy(context.Background(), study, opts...)
						errs[i] = err
						if err == nil {
							ids[i] = s.Name()
						}
					})
				}
				wg.Wait()
				created := 0
				for i, err := range errs {
					switch {
					case err == nil:
						created++
					case !load && errors.Is(err, tune.ErrStudyExists):
					default:
						t.Errorf("worker %d (LoadIfExists %t): %v", i, load, err)
					}
				}
				if load && created != n || !load && created != 1 {
					t.Errorf("LoadIfExists %t: %d of %d workers got the study", load, created, n)
				}
				all, err := stores[0].Studies(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				count := 0
				for _, st := range all {
					if st.Name == study {
						count++
					}
				}
				if count != 1 {
					t.Errorf("%d studies named %q", count, study)
				}
			}
		})
	}
}

func FuzzOpenURL(f *testing.F) {
	for _, u := range []string{"sqlite:///tune.db", "sqlite:////tmp/x.db", "postgresql://u:p@h:5432/db?sslmode=disable",
		"mysql://root@127.0.0.1:3306/test", "mysql+pymysql://u:p@h/db?unix_socket=/tmp/s", "postgres://[::1]:5432/db", "x://", ""} {
		f.Add(u)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, raw string) {
		// Only parse: a URL that names a server is not dialled, and a SQLite
		// file goes to a temporary folder.
		if strings.HasPrefix(raw, "sqlite") {
			raw = "sqlite:///" + filepath.Join(dir, "f.db") + strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite"), ":///")
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // a cancelled context: Open must fail at once, after parsing
		s, err := rdb.Open(ctx, raw)
		if err == nil {
			s.Close()
			t.Fatalf("Open(%q) with a cancelled context succeeded", raw)
		}
		if strings.Contains(raw, ":secretpw@") && strings.Contains(err.Error(), "secretpw") {
			t.Fatalf("Open(%q): the error shows the password: %v", raw, err)
		}
	})
}
