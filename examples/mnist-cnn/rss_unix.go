//go:build linux

package main

import "syscall"

// peakRSS returns the process's peak resident memory in MB.
func peakRSS() (int64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return ru.Maxrss / 1024, true // kilobytes on Linux
}
