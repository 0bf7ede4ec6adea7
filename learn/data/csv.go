package data

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Target says how [ReadCSV] reads the label column.
type Target int

const (
	// TargetAuto reads labels that are all numbers as real targets
	// (YFloat), and, when they are all integers, as classes (Y) as well;
	// labels that are not all numbers are read as classes only.
	TargetAuto Target = iota
	// TargetClasses reads labels as classes (Y and Classes).
	TargetClasses
	// TargetRegression reads labels as real targets (YFloat); a label that
	// is not a number is an error.
	TargetRegression
)

// CSVOptions sets how [ReadCSV] reads a CSV file. The zero value reads a
// comma-separated file with a header line, the last column as the label,
// and the label's kind chosen by [TargetAuto].
type CSVOptions struct {
	// Label names the label column; "" means the last column.
	Label string
	// NoLabel reads every column as a feature, and the dataset gets no
	// targets. Label must then be "".
	NoLabel bool
	// NoHeader says that the file has no header line; false means the
	// first record names the columns. Without a header, columns are named
	// by their 0-based position: "0", "1", ... (for Label, Ignore and
	// errors), as pandas does.
	NoHeader bool
	// Comma is the field separator; 0 means ','.
	Comma rune
	// Comment starts comment lines, which are skipped; 0 means none.
	Comment rune
	// Ignore names columns to leave out, such as an id column; nil means
	// none.
	Ignore []string
	// Target says how the label column is read; the zero value is
	// TargetAuto.
	Target Target
}

// ReadCSV reads a dataset from a CSV file, raw or gzipped (recognised by
// its magic bytes). Every column but the label (and those in Ignore) is a
// feature and must hold numbers, as strconv.ParseFloat reads them, with
// surrounding spaces ignored; "NaN" and "Inf" are taken as written. The
// dataset has Shape [features] and FeatureNames the column names.
//
// Labels become classes (Y) by sorting their distinct values, as
// scikit-learn's LabelEncoder does: numerically when they are all numbers
// (so "2" < "10"), else as strings; Classes holds them in that order, so
// that Y == k means Classes[k] (numbers written as strconv.FormatFloat
// writes them, "1.0" as "1"). See [Target] for when labels become classes,
// real targets or both.
//
// Errors are [*FormatError]s naming the line and column, such as
// `data: line 7, column "sepal_width": "abc" is not a number`. An empty
// file, a file without data rows, a ragged row, a missing label column and
// an empty label are errors.
func ReadCSV(r io.Reader, opts CSVOptions) (*Dataset, error) {
	r, err := maybeGunzip(r)
	if err != nil {
		return nil, err
	}
	if opts.NoLabel && opts.Label != "" {
		return nil, fmt.Errorf("data: CSVOptions: NoLabel with Label %q", opts.Label)
	}
	if opts.Target < TargetAuto || opts.Target > TargetRegression {
		return nil, fmt.Errorf("data: CSVOptions: unknown Target %d", opts.Target)
	}
	cr := csv.NewReader(r)
	if opts.Comma != 0 {
		cr.Comma = opts.Comma
	}
	cr.Comment = opts.Comment
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	rec, err := cr.Read()
	if err == io.EOF {
		return nil, &FormatError{Msg: "empty CSV file"}
	}
	if err != nil {
		return nil, csvErr(err)
	}
	var names []string
	if opts.NoHeader {
		names = make([]string, len(rec))
		for i := range names {
			names[i] = strconv.Itoa(i)
		}
	} else {
		names = slices.Clone(rec)
		names[0] = strings.TrimPrefix(names[0], "\ufeff") // a byte order mark
		for i := range names {
			names[i] = strings.TrimSpace(names[i])
		}
	}
	headerLine, _ := cr.FieldPos(0)

	label := -1
	if !opts.NoLabel {
		if opts.Label == "" {
			label = len(names) - 1
		} else if label, err = columnIndex(names, opts.Label, "label"); err != nil {
			return nil, err
		}
	}
	skip := make([]bool, len(names))
	for _, name := range opts.Ignore {
		i, err := columnIndex(names, name, "ignored")
		if err != nil {
			return nil, err
		}
		skip[i] = true
	}
	if label >= 0 {
		if skip[label] {
			return nil, fmt.Errorf("data: CSVOptions: the label column %q is also in Ignore", names[label])
		}
		skip[label] = true
	}
	var feats []int
	for i := range names {
		if !skip[i] {
			feats = append(feats, i)
		}
	}
	if len(feats) == 0 {
		return nil, &FormatError{Line: headerLine, Msg: fmt.Sprintf("no feature columns among %d columns", len(names))}
	}

	ds := &Dataset{Shape: []int{len(feats)}}
	ds.FeatureNames = make([]string, len(feats))
	for k, i := range feats {
		ds.FeatureNames[k] = names[i]
	}
	var labels []string
	var labelLines []int
	for pending := opts.NoHeader; ; pending = false {
		// Without a header, the first record, read above, is data.
		if !pending {
			rec, err = cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, csvErr(err)
			}
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(names) {
			what := "the header"
			if opts.NoHeader {
				what = "the first line"
			}
			return nil, &FormatError{Line: line, Msg: fmt.Sprintf("%d fields, want %d as in %s", len(rec), len(names), what)}
		}
		for _, i := range feats {
			v, err := parseNumber(rec[i])
			if err != nil {
				l, _ := cr.FieldPos(i)
				return nil, &FormatError{Line: l, Column: names[i], Msg: err.Error()}
			}
			ds.X = append(ds.X, v)
		}
		if label >= 0 {
			s := strings.TrimSpace(rec[label])
			if s == "" {
				l, _ := cr.FieldPos(label)
				return nil, &FormatError{Line: l, Column: names[label], Msg: "empty label"}
			}
			labels = append(labels, s)
			l, _ := cr.FieldPos(label)
			labelLines = append(labelLines, l)
		}
	}
	if len(ds.X) == 0 {
		return nil, &FormatError{Msg: "CSV file has a header but no data rows"}
	}
	if label >= 0 {
		if err := setTargets(ds, labels, labelLines, names[label], opts.Target); err != nil {
			return nil, err
		}
	}
	return ds, nil
}

// LoadCSV reads a dataset from the CSV file at path, raw or gzipped, as
// [ReadCSV] does. Errors name the file.
func LoadCSV(path string, opts CSVOptions) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	ds, err := ReadCSV(f, opts)
	if err != nil {
		return nil, withFile(err, filepath.Base(path))
	}
	return ds, nil
}

// columnIndex returns the index of the column named name.
func columnIndex(names []string, name, what string) (int, error) {
	i := slices.Index(names, name)
	if i < 0 {
		return 0, &FormatError{Msg: fmt.Sprintf("no %s column %q among the columns %s", what, name, quoteList(names))}
	}
	if slices.Index(names[i+1:], name) >= 0 {
		return 0, &FormatError{Msg: fmt.Sprintf("%s column %q: more than one column has that name", what, name)}
	}
	return i, nil
}

func quoteList(names []string) string {
	const most = 20
	q := make([]string, 0, min(len(names), most)+1)
	for i, n := range names {
		if i == most {
			q = append(q, fmt.Sprintf("and %d more", len(names)-most))
			break
		}
		q = append(q, strconv.Quote(n))
	}
	return strings.Join(q, ", ")
}

// parseNumber reads a float32 feature value.
func parseNumber(s string) (float32, error) {
	t := strings.TrimSpace(s)
	v, err := strconv.ParseFloat(t, 32)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%q is out of the float32 range", s)
		}
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return float32(v), nil
}

// setTargets fills ds's targets from the label strings.
func setTargets(ds *Dataset, labels []string, lines []int, column string, target Target) error {
	nums := make([]float64, len(labels))
	numeric, integral := true, true
	for i, s := range labels {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) {
			if target == TargetRegression {
				return &FormatError{Line: lines[i], Column: column, Msg: fmt.Sprintf("label %q is not a number", s)}
			}
			numeric, integral = false, false
			break
		}
		nums[i] = v
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			integral = false
		}
	}
	if numeric && target != TargetClasses {
		ds.YFloat = make([]float32, len(nums))
		for i, v := range nums {
			ds.YFloat[i] = float32(v)
		}
	}
	if target == TargetRegression || (target == TargetAuto && numeric && !integral) {
		return nil
	}
	ds.Y = make([]int32, len(labels))
	if numeric {
		uniq := slices.Clone(nums)
		slices.Sort(uniq)
		uniq = slices.Compact(uniq)
		if len(uniq) > math.MaxInt32 {
			return &FormatError{Column: column, Msg: "too many classes"}
		}
		for i, v := range nums {
			k, _ := slices.BinarySearch(uniq, v)
			ds.Y[i] = int32(k)
		}
		ds.Classes = make([]string, len(uniq))
		for k, v := range uniq {
			ds.Classes[k] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		return nil
	}
	uniq := slices.Clone(labels)
	slices.SortFunc(uniq, cmp.Compare[string])
	uniq = slices.Compact(uniq)
	for i, s := range labels {
		k, _ := slices.BinarySearch(uniq, s)
		ds.Y[i] = int32(k)
	}
	ds.Classes = uniq
	return nil
}

// csvErr converts an error of encoding/csv into a *FormatError.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FormatError{Line: pe.Line, Msg: fmt.Sprintf("character %d", pe.Column), Err: pe.Err}
	}
	return &FormatError{Msg: "reading CSV", Err: err}
}
