//go:build !race

package nn

// raceEnabled reports a -race build, whose runtime allocates where plain
// builds do not.
const raceEnabled = false
