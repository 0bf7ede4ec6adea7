//go:build race

package main

// raceEnabled: the race detector slows the training loops about 17x, so
// the tests train on fewer images and ask less of the accuracy.
const raceEnabled = true
