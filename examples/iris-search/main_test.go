package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestIrisSearch runs the example as its README shows it and checks the
// output a scikit-learn user expects: the fits announced, a line per fit,
// and a best score as good as scikit-learn's (0.95-0.97 on iris).
func TestIrisSearch(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, config{iter: 10, verbose: 2, jobs: -1, seed: 42}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if n := strings.Count(s, "Fitting 5 folds for each of 10 candidates, totalling 50 fits\n"); n != 2 {
		t.Errorf("the fits are announced %d times, want twice:\n%s", n, s)
	}
	fitLine := regexp.MustCompile(`(?m)^\[CV\] END \.*max_depth=(None|10|20|30), max_features=(auto|sqrt|log2), n_estimators=(10|50|100|200); total time= +\d+\.\ds$`)
	if n := len(fitLine.FindAllString(s, -1)); n < 50+10 {
		t.Errorf("%d fit lines, want 50 for the randomized search and at least 10 for TPE:\n%s", n, s)
	}
	best := regexp.MustCompile(`(?m)^Best: (0\.\d{6}) using \{'max_depth': (None|10|20|30), 'max_features': '(auto|sqrt|log2)', 'n_estimators': (10|50|100|200)\}$`)
	m := best.FindAllStringSubmatch(s, -1)
	if len(m) != 2 {
		t.Fatalf("want two Best lines, got %q:\n%s", m, s)
	}
	for _, b := range m {
		if score, _ := strconv.ParseFloat(b[1], 64); score < 0.94 {
			t.Errorf("best score %v, scikit-learn's is 0.95-0.97", score)
		}
	}
	if !strings.Contains(s, "TPE search: 10 candidates") || !strings.Contains(s, "mean accuracy") {
		t.Errorf("no TPE summary or results table:\n%s", s)
	}
}
