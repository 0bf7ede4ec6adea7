package rdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/storage"
)

// insertID runs an INSERT (written without RETURNING) and returns the new
// row's id.
func (s *Storage) insertID(ctx context.Context, tx conn, insert, idCol string, args ...any) (int64, error) {
	if s.d.name == MySQL {
		res, err := s.exec(ctx, tx, insert, args...)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	var id int64
	err := s.queryRow(ctx, tx, (insert)+s.d.returning(idCol), args...).Scan(&id)
	return id, err
}

// CreateStudy implements storage.Storage.
func (s *Storage) CreateStudy(ctx context.Context, name string, directions []core.Direction, systemAttrs map[string]any) (core.StudyInfo, error) {
	if err := storage.CheckStudy(name, directions); err != nil {
		return core.StudyInfo{}, err
	}
	sys, err := encodeAttrs(systemAttrs)
	if err != nil {
		return core.StudyInfo{}, err
	}
	var id int64
	err = s.durableTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.insertID(ctx, tx, "INSERT INTO studies (study_name) VALUES (?)", "study_id", name)
		if uniqueViolation(err) {
			return fmt.Errorf("%w: %q", storage.ErrStudyExists, name)
		}
		if err != nil {
			return err
		}
		for i, d := range directions {
			_, err := s.exec(ctx, tx, ("INSERT INTO study_directions (direction, study_id, objective) VALUES (" + s.d.enum("studydirection") + ", ?, ?)"), d.String(), id, i)
			if err != nil {
				return err
			}
		}
		for k, js := range sys {
			if err := s.upsertAttr(ctx, tx, "study_system_attributes", "study_id", id, k, js); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return core.StudyInfo{}, err
	}
	attrs, err := decodeAttrs(sys)
	if err != nil {
		return core.StudyInfo{}, err
	}
	return core.StudyInfo{ID: id, Name: name, Directions: append([]core.Direction(nil), directions...), SystemAttrs: attrs}, nil
}

// LoadStudy implements storage.Storage.
func (s *Storage) LoadStudy(ctx context.Context, name string) (core.StudyInfo, error) {
	studies, err := s.studies(ctx, "WHERE study_name = ?", name)
	if err != nil {
		return core.StudyInfo{}, err
	}
	if len(studies) == 0 {
		return core.StudyInfo{}, fmt.Errorf("%w: study %q", storage.ErrNotFound, name)
	}
	return studies[0], nil
}

// Studies implements storage.Storage.
func (s *Storage) Studies(ctx context.Context) ([]core.StudyInfo, error) {
	return s.studies(ctx, "")
}

// studies reads the studies that where (a WHERE clause on studies, with
// args) selects, with their directions and attributes, ordered by id.
func (s *Storage) studies(ctx context.Context, where string, args ...any) ([]core.StudyInfo, error) {
	var out []core.StudyInfo
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := s.query(ctx, tx, ("SELECT study_id, study_name FROM studies " + where + " ORDER BY study_id"), args...)
		if err != nil {
			return err
		}
		byID := map[int64]int{}
		for rows.Next() {
			var st core.StudyInfo
			if err := rows.Scan(&st.ID, &st.Name); err != nil {
				rows.Close()
				return err
			}
			byID[st.ID] = len(out)
			out = append(out, st)
		}
		if err := closeRows(rows); err != nil || len(out) == 0 {
			return err
		}
		sub := "SELECT study_id FROM studies " + where
		rows, err = s.query(ctx, tx, ("SELECT study_id, direction FROM study_directions WHERE study_id IN (" + sub + ") ORDER BY study_id, objective"), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var dir string
			if err := rows.Scan(&id, &dir); err != nil {
				rows.Close()
				return err
			}
			d, err := core.ParseDirection(dir)
			if err != nil {
				rows.Close()
				return fmt.Errorf("rdb: study id %d: %w", id, err)
			}
			i, ok := byID[id]
			if !ok {
				rows.Close()
				return fmt.Errorf("rdb: inconsistent read: a direction of study id %d, which is not among the studies read", id)
			}
			st := &out[i]
			st.Directions = append(st.Directions, d)
		}
		if err := closeRows(rows); err != nil {
			return err
		}
		for _, table := range []string{"study_user_attributes", "study_system_attributes"} {
			err := s.readAttrs(ctx, tx, "SELECT study_id, "+s.keyCol()+", value_json FROM "+table+" WHERE study_id IN ("+sub+")", args, func(id int64) *map[string]any {
				i, ok := byID[id]
				if !ok {
					return nil // readAttrs reports it
				}
				st := &out[i]
				if table == "study_user_attributes" {
					return &st.UserAttrs
				}
				return &st.SystemAttrs
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// keyCol is the quoted name of the attribute tables' key column.
func (s *Storage) keyCol() string {
	if s.d.name == MySQL {
		return "`key`"
	}
	return `"key"`
}

// readAttrs reads (owner id, key, value_json) rows into the maps that dst
// returns.
func (s *Storage) readAttrs(ctx context.Context, tx *sql.Tx, query string, args []any, dst func(id int64) *map[string]any) error {
	rows, err := s.query(ctx, tx, (query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var key string
		var raw sql.NullString
		if err := rows.Scan(&id, &key, &raw); err != nil {
			return err
		}
		var v any
		if raw.Valid {
			if err := json.Unmarshal([]byte(pyJSON(raw.String)), &v); err != nil {
				return fmt.Errorf("rdb: attribute %q: value %q is not JSON: %w", key, raw.String, err)
			}
		}
		m := dst(id)
		if m == nil {
			return fmt.Errorf("rdb: inconsistent read: attribute %q of id %d, which is not among the rows read", key, id)
		}
		if *m == nil {
			*m = map[string]any{}
		}
		(*m)[key] = v
	}
	return rows.Err()
}

// pyJSON makes the NaN and Infinity that Python's json writes readable (as
// null): Go's decoder rejects them.
func pyJSON(s string) string {
	if !strings.Contains(s, "NaN") && !strings.Contains(s, "Infinity") {
		return s
	}
	var b strings.Builder
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString:
			b.WriteByte(c)
			if c == '\\' && i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
			b.WriteByte(c)
		case strings.HasPrefix(s[i:], "NaN"):
			b.WriteString("null")
			i += 2
		case strings.HasPrefix(s[i:], "-Infinity"):
			b.WriteString("null")
			i += 8
		case strings.HasPrefix(s[i:], "Infinity"):
			b.WriteString("null")
			i += 7
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// DeleteStudy implements storage.Storage.
func (s *Storage) DeleteStudy(ctx context.Context, studyID int64) error {
	return s.durableTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockStudy(ctx, tx, studyID); err != nil {
			return err
		}
		trials := "SELECT trial_id FROM trials WHERE study_id = ?"
		if s.d.name == MySQL { // MySQL cannot select from the table it deletes from
			trials = "SELECT trial_id FROM (SELECT trial_id FROM trials WHERE study_id = ?) AS t"
		}
		for _, table := range []string{"trial_params", "trial_values", "trial_intermediate_values",
			"trial_user_attributes", "trial_system_attributes", "trial_heartbeats"} {
			if _, err := s.exec(ctx, tx, ("DELETE FROM " + table + " WHERE trial_id IN (" + trials + ")"), studyID); err != nil {
				return err
			}
		}
		for _, table := range []string{"trials", "study_user_attributes", "study_system_attributes", "study_directions", "studies"} {
			if _, err := s.exec(ctx, tx, ("DELETE FROM " + table + " WHERE study_id = ?"), studyID); err != nil {
				return err
			}
		}
		s.distMu.Lock()
		for k := range s.known {
			if k.study == studyID {
				delete(s.known, k)
			}
		}
		delete(s.ndirs, studyID)
		s.distMu.Unlock()
		return nil
	})
}

// lockStudy checks that the study exists and locks its row until the
// transaction ends (as Optuna does before it creates a trial).
func (s *Storage) lockStudy(ctx context.Context, tx *sql.Tx, studyID int64) error {
	if err := s.checkID("study", studyID); err != nil {
		return err
	}
	var id int64
	err := s.queryRow(ctx, tx, ("SELECT study_id FROM studies WHERE study_id = ?" + s.d.forUpdate), studyID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: study id %d", storage.ErrNotFound, studyID)
	}
	return err
}

// SetStudyUserAttr implements storage.Storage.
func (s *Storage) SetStudyUserAttr(ctx context.Context, studyID int64, key string, value any) error {
	return s.setStudyAttr(ctx, "study_user_attributes", studyID, key, value)
}

// SetStudySystemAttr implements storage.Storage.
func (s *Storage) SetStudySystemAttr(ctx context.Context, studyID int64, key string, value any) error {
	return s.setStudyAttr(ctx, "study_system_attributes", studyID, key, value)
}

func (s *Storage) setStudyAttr(ctx context.Context, table string, studyID int64, key string, value any) error {
	js, err := attrJSON(key, value)
	if err != nil {
		return err
	}
	if err := s.checkID("study", studyID); err != nil {
		return err
	}
	return s.durableTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := s.queryRow(ctx, tx, "SELECT study_id FROM studies WHERE study_id = ?", studyID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: study id %d", storage.ErrNotFound, studyID)
		}
		if err != nil {
			return err
		}
		return s.upsertAttr(ctx, tx, table, "study_id", studyID, key, js)
	})
}

// upsertAttr sets key to the JSON js in an attribute table.
func (s *Storage) upsertAttr(ctx context.Context, tx *sql.Tx, table, owner string, id int64, key, js string) error {
	k := s.keyCol()
	_, err := s.exec(ctx, tx, ("INSERT INTO " + table + " (" + owner + ", " + k + ", value_json) VALUES (?, ?, ?)" +
		s.d.upsert(owner+", "+k, "value_json")), id, key, js)
	return err
}

// attrJSON checks an attribute's key and encodes its value as the JSON
// stored in value_json.
// It is written as Python would write it (core.PythonJSON), so that a float
// stays a float when Optuna reads it.
func attrJSON(key string, value any) (string, error) {
	if err := storage.CheckName("attribute key", key); err != nil {
		return "", err
	}
	if _, err := core.NormalizeJSON(value); err != nil {
		return "", fmt.Errorf("%w: %v", storage.ErrInvalid, err)
	}
	b, err := core.PythonJSON(value)
	if err != nil {
		return "", fmt.Errorf("%w: %v", storage.ErrInvalid, err)
	}
	return string(b), nil
}

// checkID returns ErrNotFound for an id that the schema's INTEGER columns
// cannot hold in PostgreSQL and MySQL (32 bits), before the driver refuses
// to send it.
func (s *Storage) checkID(kind string, id int64) error {
	if id < 0 || s.d.name != SQLite && id > math.MaxInt32 {
		return fmt.Errorf("%w: %s id %d", storage.ErrNotFound, kind, id)
	}
	return nil
}
