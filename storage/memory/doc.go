// Package memory is a storage.Storage that keeps studies in the process's
// memory. It is tune's default storage: the fastest, and gone when the
// process ends.
package memory
