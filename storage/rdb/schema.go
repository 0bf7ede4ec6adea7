package rdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Revision is the Optuna schema revision that rdb reads and writes (the
// alembic version of Optuna 3.x); SchemaVersion and LibraryVersion are what
// Optuna records beside it in version_info.
const (
	Revision       = "v3.0.0.d"
	SchemaVersion  = 12
	LibraryVersion = "3.1.0"
)

// ErrSchema is wrapped by the error for a database whose schema rdb does not
// know; such a database is left untouched.
var ErrSchema = errors.New("rdb: unsupported database schema")

// optunaTables are the tables of the schema, parents first.
var optunaTables = []string{
	"studies", "version_info", "study_directions", "study_user_attributes", "study_system_attributes",
	"trials", "trial_user_attributes", "trial_system_attributes", "trial_params", "trial_values",
	"trial_intermediate_values", "trial_heartbeats", "alembic_version",
}

// schemaSQL returns the statements that create the schema: Optuna's tables
// as SQLAlchemy creates them for the dialect, and rdb's index.
func schemaSQL(d Dialect) []string {
	var (
		id, idInt, text, datetime                    string
		direction, state, vtype, ivtype, enums, tail string
	)
	switch d {
	case SQLite:
		id, idInt, text, datetime = "INTEGER NOT NULL", "INTEGER", "TEXT", "DATETIME"
		direction, state, vtype, ivtype = "VARCHAR(8)", "VARCHAR(8)", "VARCHAR(7)", "VARCHAR(7)"
	case Postgres:
		id, idInt, text, datetime = "SERIAL NOT NULL", "INTEGER", "TEXT", "TIMESTAMP WITHOUT TIME ZONE"
		direction, state, vtype, ivtype = "studydirection", "trialstate", "trialvaluetype", "trialintermediatevaluetype"
		enums = `CREATE TYPE studydirection AS ENUM ('NOT_SET', 'MINIMIZE', 'MAXIMIZE');
CREATE TYPE trialstate AS ENUM ('RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING');
CREATE TYPE trialvaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG');
CREATE TYPE trialintermediatevaluetype AS ENUM ('FINITE', 'INF_POS', 'INF_NEG', 'NAN');
`
	case MySQL:
		// DATETIME(6) where SQLAlchemy writes DATETIME: Optuna reads both,
		// and heartbeats need better than whole seconds.
		id, idInt, text, datetime = "INTEGER NOT NULL AUTO_INCREMENT", "INTEGER", "TEXT", "DATETIME(6)"
		direction = "ENUM('NOT_SET','MINIMIZE','MAXIMIZE')"
		state = "ENUM('RUNNING','COMPLETE','PRUNED','FAIL','WAITING')"
		vtype = "ENUM('FINITE','INF_POS','INF_NEG')"
		ivtype = "ENUM('FINITE','INF_POS','INF_NEG','NAN')"
		tail = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
	}
	key := `"key"`
	if d == MySQL {
		key = "`key`"
	}
	ddl := enums + `CREATE TABLE studies (
	study_id ID,
	study_name VARCHAR(512) NOT NULL,
	PRIMARY KEY (study_id)
)TAIL;
CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name);
CREATE TABLE version_info (
	version_info_id INTEGER NOT NULL,
	schema_version INTEGER,
	library_version VARCHAR(256),
	PRIMARY KEY (version_info_id),
	CHECK (version_info_id=1)
)TAIL;
CREATE TABLE study_directions (
	study_direction_id ID,
	direction DIRECTION NOT NULL,
	study_id INTEGER NOT NULL,
	objective INTEGER NOT NULL,
	PRIMARY KEY (study_direction_id),
	UNIQUE (study_id, objective),
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
)TAIL;
CREATE TABLE study_user_attributes (
	study_user_attribute_id ID,
	study_id INTEGER,
	KEY VARCHAR(512),
	value_json TEXTTYPE,
	PRIMARY KEY (study_user_attribute_id),
	UNIQUE (study_id, KEY),
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
)TAIL;
CREATE TABLE study_system_attributes (
	study_system_attribute_id ID,
	study_id INTEGER,
	KEY VARCHAR(512),
	value_json TEXTTYPE,
	PRIMARY KEY (study_system_attribute_id),
	UNIQUE (study_id, KEY),
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
)TAIL;
CREATE TABLE trials (
	trial_id ID,
	number INTEGER,
	study_id INTEGER,
	state STATE NOT NULL,
	datetime_start DATETIME,
	datetime_complete DATETIME,
	PRIMARY KEY (trial_id),
	FOREIGN KEY(study_id) REFERENCES studies (study_id)
)TAIL;
CREATE TABLE trial_user_attributes (
	trial_user_attribute_id ID,
	trial_id INTEGER,
	KEY VARCHAR(512),
	value_json TEXTTYPE,
	PRIMARY KEY (trial_user_attribute_id),
	UNIQUE (trial_id, KEY),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
)TAIL;
CREATE TABLE trial_system_attributes (
	trial_system_attribute_id ID,
	trial_id INTEGER,
	KEY VARCHAR(512),
	value_json TEXTTYPE,
	PRIMARY KEY (trial_system_attribute_id),
	UNIQUE (trial_id, KEY),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
)TAIL;
CREATE TABLE trial_params (
	param_id ID,
	trial_id INTEGER,
	param_name VARCHAR(512),
	param_value DOUBLE,
	distribution_json TEXTTYPE,
	PRIMARY KEY (param_id),
	UNIQUE (trial_id, param_name),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
)TAIL;
CREATE TABLE trial_values (
	trial_value_id ID,
	trial_id INTEGER NOT NULL,
	objective INTEGER NOT NULL,
	value DOUBLE,
	value_type VTYPE NOT NULL,
	PRIMARY KEY (trial_value_id),
	UNIQUE (trial_id, objective),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
)TAIL;
CREATE TABLE trial_intermediate_values (
	trial_intermediate_value_id ID,
	trial_id INTEGER NOT NULL,
	step INTEGER NOT NULL,
	intermediate_value DOUBLE,
	intermediate_value_type IVTYPE NOT NULL,
	PRIMARY KEY (trial_intermediate_value_id),
	UNIQUE (trial_id, step),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
)TAIL;
CREATE TABLE trial_heartbeats (
	trial_heartbeat_id ID,
	trial_id INTEGER NOT NULL,
	heartbeat DATETIME NOT NULL,
	PRIMARY KEY (trial_heartbeat_id),
	UNIQUE (trial_id),
	FOREIGN KEY(trial_id) REFERENCES trials (trial_id)
)TAIL;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL,
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
)TAIL`
	double := "FLOAT"
	if d != SQLite {
		double = "DOUBLE PRECISION"
	}
	r := strings.NewReplacer(" ID,", " "+id+",", "DIRECTION", direction, "STATE", state, "IVTYPE", ivtype,
		"VTYPE", vtype, "TEXTTYPE", text, "DATETIME", datetime, "DOUBLE", double, "TAIL", tail,
		"KEY VARCHAR", key+" VARCHAR", "KEY)", key+")")
	_ = idInt
	stmts := strings.Split(r.Replace(ddl), ";\n")
	for _, ix := range tuneIndexes {
		stmts = append(stmts, ix.sql)
	}
	return stmts
}

// tuneIndexes are rdb's indexes on Optuna's trials table: by number, so
// that reading the trials created since a number costs what changed; by
// state, so that finding a Waiting (or Running) trial costs no scan.
var tuneIndexes = []struct{ name, sql string }{
	{"ix_trials_tune_study_number", "CREATE INDEX ix_trials_tune_study_number ON trials (study_id, number)"},
	{"ix_trials_tune_study_state", "CREATE INDEX ix_trials_tune_study_state ON trials (study_id, state, number)"},
}

// initSchema creates the schema in an empty database, or checks that the
// database has the revision rdb knows. Concurrent openers of one new
// database are serialised by a lock, so that exactly one creates it.
func (s *Storage) initSchema(ctx context.Context) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		switch s.d.name {
		case Postgres:
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7355608)"); err != nil {
				return err
			}
		case MySQL:
			var got sql.NullInt64
			if err := tx.QueryRowContext(ctx, "SELECT GET_LOCK('tune_schema', 30)").Scan(&got); err != nil {
				return err
			}
			defer tx.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK('tune_schema')")
		}
		present, err := s.tables(ctx, tx)
		if err != nil {
			return err
		}
		if present["alembic_version"] {
			var rev string
			err := tx.QueryRowContext(ctx, "SELECT version_num FROM alembic_version").Scan(&rev)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if rev != Revision {
				return fmt.Errorf("%w: %s has schema revision %q; tune reads Optuna's revision %q (Optuna 3.x); upgrade it with Optuna's `optuna storage upgrade`, or use another database", ErrSchema, s.t.safe, rev, Revision)
			}
			return s.ensureIndex(ctx, tx)
		}
		for _, t := range optunaTables {
			if present[t] {
				return fmt.Errorf("%w: %s has table %q but no alembic_version: not a database tune or Optuna created", ErrSchema, s.t.safe, t)
			}
		}
		for _, stmt := range schemaSQL(s.d.name) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("rdb: create schema: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.d.bind("INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, ?, ?)"), SchemaVersion, LibraryVersion); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.d.bind("INSERT INTO alembic_version (version_num) VALUES (?)"), Revision)
		return err
	})
}

// ensureIndex adds rdb's indexes to a database that Optuna created.
func (s *Storage) ensureIndex(ctx context.Context, tx *sql.Tx) error {
	for _, ix := range tuneIndexes {
		var q string
		switch s.d.name {
		case SQLite:
			q = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?"
		case Postgres:
			q = "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?"
		case MySQL:
			q = "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = ?"
		}
		var n int
		if err := tx.QueryRowContext(ctx, s.q(q), ix.name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, ix.sql); err != nil {
			return err
		}
	}
	return nil
}

// tables returns the names of the tables in the database (the current
// schema, for PostgreSQL).
func (s *Storage) tables(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	var q string
	switch s.d.name {
	case SQLite:
		q = "SELECT name FROM sqlite_master WHERE type = 'table'"
	case Postgres:
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	case MySQL:
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		m[strings.ToLower(name)] = true
	}
	return m, rows.Err()
}
