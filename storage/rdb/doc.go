// Package rdb is a storage.Storage in a relational database, on Optuna's
// schema (revision v3.0.0.d, what Optuna 3.x writes), so that a study moves
// freely between tune and Optuna: Optuna and its tools open a study that tune
// wrote, and tune workers join a study that Optuna created.
//
// Three dialects share one implementation: SQLite (the embedded default,
// through a pure-Go driver: no cgo), PostgreSQL (through pgx) and
// MySQL/MariaDB. Open takes a URL in Optuna's (SQLAlchemy's) form:
//
//	sqlite:///relative/path.db
//	sqlite:////absolute/path.db
//	postgresql://user:password@host:5432/database
//	mysql://user:password@host:3306/database
//
// Many processes on many machines may share one database: trial numbers are
// dense and unique (trials are created under a lock of their study's row, as
// Optuna does, so that tune and Optuna processes can share a study), a Waiting
// trial goes to exactly one worker, and busy or deadlock errors ("database is
// locked") are retried inside the storage with bounded back-off, never
// returned.
//
// Beyond Optuna's schema, rdb adds two indexes to the trials table, on
// (study_id, number) and (study_id, state, number), so that reading the trials
// created since a number, or finding a Waiting trial, costs in proportion to
// what changed, not to the size of the study. Optuna ignores them.
package rdb
