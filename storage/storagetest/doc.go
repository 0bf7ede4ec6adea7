// Package storagetest is the conformance suite of storage.Storage: every
// backend runs Run, unchanged, in its tests, as slogtest checks slog
// handlers.
package storagetest
