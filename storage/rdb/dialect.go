package rdb

import (
	"errors"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds what differs between the databases: SQL fragments and how
// to recognise their errors.
type dialect struct {
	name Dialect
	// forUpdate locks the selected rows until the transaction ends (SQLite
	// needs none: a write transaction locks the whole database).
	forUpdate string
	// timestamp is a parameter in a SELECT list that fills a datetime column.
	timestamp string
	// share locks the rows an INSERT ... SELECT reads against updates until
	// the statement ends, where the database does not do so by itself.
	share string
	// now is the database's current local time, as stored in datetime
	// columns (fractional seconds where the column has them).
	now string
	// enum casts a parameter to the enum type t (PostgreSQL's enum types).
	enum func(t string) string
	// upsert returns the clause that turns an INSERT on the unique columns
	// into an update of the columns in set.
	upsert func(unique string, set ...string) string
	// returning is appended to an INSERT to return the new row's id
	// (empty for MySQL, which has LastInsertId).
	returning func(idCol string) string
}

var dialects = map[Dialect]*dialect{
	SQLite: {
		name:      SQLite,
		timestamp: "?",
		now:       `strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime')`,
		enum:      func(string) string { return "?" },
		upsert:    onConflict,
		returning: func(id string) string { return " RETURNING " + id },
	},
	Postgres: {
		name:      Postgres,
		timestamp: "?::timestamp",
		forUpdate: " FOR UPDATE",
		now:       `LOCALTIMESTAMP`,
		enum:      func(t string) string { return "?::" + t },
		upsert:    onConflict,
		returning: func(id string) string { return " RETURNING " + id },
	},
	MySQL: {
		name:      MySQL,
		timestamp: "?",
		forUpdate: " FOR UPDATE",
		now:       `NOW(6)`,
		enum:      func(string) string { return "?" },
		upsert: func(_ string, set ...string) string {
			parts := make([]string, len(set))
			for i, c := range set {
				parts[i] = c + " = VALUES(" + c + ")"
			}
			return " ON DUPLICATE KEY UPDATE " + strings.Join(parts, ", ")
		},
		returning: func(string) string { return "" },
	},
}

func onConflict(unique string, set ...string) string {
	parts := make([]string, len(set))
	for i, c := range set {
		parts[i] = c + " = excluded." + c
	}
	return " ON CONFLICT (" + unique + ") DO UPDATE SET " + strings.Join(parts, ", ")
}

// bind rewrites the ? placeholders of q for the dialect ($1, $2, ... for
// PostgreSQL). The queries of this package have no ? inside literals.
func (d *dialect) bind(q string) string {
	if d.name != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// retryable reports whether err is a transient conflict that the same
// transaction may succeed after: busy or locked SQLite, a deadlock or
// serialization failure in PostgreSQL or MySQL.
func retryable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "55P03"
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205
	}
	return false
}

// uniqueViolation reports whether err is the violation of a unique
// constraint.
func uniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	return false
}
