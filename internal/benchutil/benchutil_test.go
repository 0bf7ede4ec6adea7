package benchutil

import "testing"

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
