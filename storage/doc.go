// Package storage defines the interface that study storages implement, in
// the way database/sql/driver defines what database drivers implement: small,
// with its contract written down, so that the in-memory, SQLite, PostgreSQL
// and MySQL backends behave alike. The conformance suite in
// storage/storagetest checks that contract; every backend passes it.
//
// Users hold a *tune.Study, not a Storage; derived queries (best trial,
// Pareto front, counts) are computed once in package tune over this
// interface.
package storage
