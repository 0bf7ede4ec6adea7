package benchutil

import (
	"os"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}, {[]float64{7}, 7}} {
		if got := Median(c.xs); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
	if LastLine([]byte("a\nb\n\n")) != "b" || Verdict(true) != "met" || Verdict(false) != "NOT MET" {
		t.Error("LastLine or Verdict")
	}
}

func TestParseInts(t *testing.T) {
	got, err := ParseInts(" 1, 20 ,,300", 1)
	if err != nil || len(got) != 3 || got[0] != 1 || got[1] != 20 || got[2] != 300 {
		t.Errorf("ParseInts = %v, %v", got, err)
	}
	for _, bad := range []string{"1,x", "0", "-3"} {
		if _, err := ParseInts(bad, 1); err == nil {
			t.Errorf("ParseInts(%q, 1): no error", bad)
		}
	}
	if got, err := ParseInts("0", 0); err != nil || len(got) != 1 {
		t.Errorf("ParseInts(\"0\", 0) = %v, %v", got, err)
	}
}

func TestReference(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := Reference("/nonexistent/python", dir, "print(1)", "s.py", "x", "install it"); err == nil || !strings.Contains(err.Error(), "install it") {
		t.Errorf("a missing interpreter: %v, want an error with the hint", err)
	}
	v, path, err := Reference("/bin/sh", dir, "echo v1.2", "s.sh", "echo hi", "")
	if err != nil || v != "v1.2" {
		t.Fatalf("Reference with sh: %q, %v", v, err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "echo hi" {
		t.Errorf("script written: %q, %v", b, err)
	}
}
