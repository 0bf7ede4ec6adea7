// Package runner runs tune studies whose trials are external programs,
// for the tune command: it reads the metrics a program prints, as JSON
// lines ({"step": 3, "val_loss": 0.21}) or name=value pairs (Katib's
// format), and turns them into a trial's intermediate and final values.
package runner
