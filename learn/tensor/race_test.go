//go:build race

package tensor

// raceEnabled: the race detector makes sync.Pool drop some of what is put
// in it, so allocation counts mean nothing then.
const raceEnabled = true
