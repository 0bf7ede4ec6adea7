package data

import (
	"errors"
	"fmt"
	"strings"
)

// ErrFormat is matched by errors.Is for every [*FormatError]: the input is
// not a well-formed file of the kind being read.
var ErrFormat = errors.New("data: malformed input")

// FormatError reports malformed input: a corrupt or truncated IDX file, a
// CSV cell that is not a number, a ragged row. It names where the problem
// is as precisely as the format allows.
type FormatError struct {
	File   string // file name; "" when reading from an io.Reader
	Line   int    // 1-based line of a text file; 0 when not applicable
	Column string // column name of a CSV file; "" when not applicable
	Msg    string // what is wrong
	Err    error  // underlying error, such as io.ErrUnexpectedEOF; may be nil
}

// Error formats the error as "data: file: line 7, column "x": msg: err",
// leaving out the parts that are not set.
func (e *FormatError) Error() string {
	var b strings.Builder
	b.WriteString("data: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	switch {
	case e.Line > 0 && e.Column != "":
		fmt.Fprintf(&b, "line %d, column %q: ", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	case e.Column != "":
		fmt.Fprintf(&b, "column %q: ", e.Column)
	}
	b.WriteString(e.Msg)
	if e.Err != nil {
		if e.Msg != "" {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, if any.
func (e *FormatError) Unwrap() error { return e.Err }

// Is reports whether target is [ErrFormat].
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

// withFile returns err with File set to name when err is a *FormatError
// that names no file yet; other errors are wrapped with the name.
func withFile(err error, name string) error {
	if err == nil {
		return nil
	}
	var fe *FormatError
	if errors.As(err, &fe) && fe.File == "" {
		c := *fe
		c.File = name
		return &c
	}
	return fmt.Errorf("data: %s: %w", name, err)
}
