// Package benchutil holds the small helpers that the benchmark programs
// under bench/ share.
package benchutil

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
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

// SplitList splits a comma-separated flag value, trimming the fields and
// dropping the empty ones.
func SplitList(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// ParseInts parses a comma-separated list of integers of at least least.
func ParseInts(s string, least int) ([]int, error) {
	var ns []int
	for _, f := range SplitList(s) {
		n, err := strconv.Atoi(f)
		if err != nil || n < least {
			return nil, fmt.Errorf("%q is not a number of at least %d", f, least)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

// Reference checks that the reference tool runs: python runs code in dir,
// which prints a version line. Then it writes script into dir as name. It
// returns the version line and the script's path, or an error that says why
// the reference cannot be measured (with hint, how to install it).
func Reference(python, dir, code, name, script, hint string) (version, path string, err error) {
	cmd := exec.Command(python, "-c", code)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", "", fmt.Errorf("%s cannot run the reference (%v: %s); %s", python, err, LastLine(out), hint)
	}
	path = filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		return "", "", err
	}
	return strings.TrimSpace(string(out)), path, nil
}
