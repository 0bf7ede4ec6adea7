// Package coretest implements core.Study over a slice of trials, for tests of
// samplers and pruners that need a study without a storage.
package coretest
