// Package benchutil holds the small helpers that the benchmark programs
// under bench/ share.
package benchutil

import (
	"slices"
	"strings"
)

// Median returns the median of xs (the mean of the middle two for an even
// count); xs is not changed.
func Median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Verdict says whether a target is met: "met" or "NOT MET".
func Verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

// LastLine returns the last line of a program's output, for error messages.
func LastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}
