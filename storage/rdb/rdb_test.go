package rdb_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/go-tune/tune/storage"
	"github.com/go-tune/tune/storage/rdb"
	"github.com/go-tune/tune/storage/rdb/rdbtest"
	"github.com/go-tune/tune/storage/storagetest"
)

// openURL opens a storage for the test and closes it when the test ends.
func openURL(t testing.TB, url string) *rdb.Storage {
	t.Helper()
	s, err := rdb.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open(%s): %v", url, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// dialectURLs returns a fresh database of each dialect.
func dialectURLs(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":     func(t *testing.T) string { return "sqlite:///" + filepath.Join(t.TempDir(), "tune.db") },
		"postgresql": func(t *testing.T) string { return rdbtest.ServerURL(t, "postgresql") },
		"mysql":      func(t *testing.T) string { return rdbtest.ServerURL(t, "mysql") },
	}
}

func TestConformance(t *testing.T) {
	for name, newURL := range dialectURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := openURL(t, newURL(t))
			storagetest.Run(t, func(*testing.T) storage.Storage { return s })
		})
	}
}
