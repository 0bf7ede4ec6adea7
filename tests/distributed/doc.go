// Package distributed holds tests that run tune workers in several processes
// sharing one storage: a SQLite file, a PostgreSQL or a MySQL (MariaDB)
// database. Each test starts its workers by running the test binary again,
// in a worker role, so that they share nothing but the database, as workers
// on several machines do. The tests check what the storage promises across
// processes: dense and unique trial numbers, no lost results, each grid
// point and each enqueued trial taken once, no busy errors reaching the
// user, and the failover of a worker killed mid-trial (stale heartbeat,
// retry).
//
// Run them with
//
//	go test -race ./tests/distributed
//
// The server tests use, as those of storage/rdb do, the servers that
// TUNE_TEST_POSTGRES (default postgresql://root@127.0.0.1:5432/postgres) and
// TUNE_TEST_MYSQL (default mysql://root@127.0.0.1:3306/test) name, each in a
// database of its own; "off" skips a server. A server that does not answer
// skips its tests, except in CI (CI=true), where they fail.
package distributed
