package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// IDX is the content of an IDX file of unsigned bytes, the format of the
// MNIST files (http://yann.lecun.com/exdb/mnist/): a magic number
// 0x000008NN, where NN is the number of dimensions, then the dimensions as
// big-endian uint32, then the bytes, row-major.
type IDX struct {
	Dims []int  // sizes of the dimensions, outermost first
	Data []byte // the elements, row-major; len(Data) is the product of Dims
}

// maxIDXBytes bounds the data an IDX header may declare (2 GiB, four times
// the largest EMNIST file), so that a corrupt header fails cleanly instead
// of overflowing or asking for terabytes.
const maxIDXBytes = 1<<31 - 1

// ReadIDX reads an IDX file of unsigned bytes from r, raw or gzipped (it
// recognises gzip by its magic bytes 1f 8b). It reads r to its end: data
// after the declared elements is an error, and so is a gzip stream whose
// checksum does not match.
//
// Errors are [*FormatError]s that say what is wrong: a magic number that
// is not an IDX one, an element type other than unsigned byte, or fewer
// bytes than the header declares.
func ReadIDX(r io.Reader) (*IDX, error) {
	r, err := maybeGunzip(r)
	if err != nil {
		return nil, err
	}
	var hdr [4]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, idxShort("the 4-byte magic number", n, err)
	}
	magic := binary.BigEndian.Uint32(hdr[:])
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, &FormatError{Msg: fmt.Sprintf("bad magic number 0x%08x: not an IDX file (want 0x000008NN)", magic)}
	}
	if hdr[2] != 0x08 {
		return nil, &FormatError{Msg: fmt.Sprintf("magic number 0x%08x declares element type 0x%02x; only unsigned bytes (0x08) are supported", magic, hdr[2])}
	}
	nd := int(hdr[3])
	if nd == 0 {
		return nil, &FormatError{Msg: fmt.Sprintf("magic number 0x%08x declares 0 dimensions", magic)}
	}
	raw := make([]byte, 4*nd)
	if n, err := io.ReadFull(r, raw); err != nil {
		return nil, idxShort(fmt.Sprintf("the %d dimension sizes of the header", nd), n, err)
	}
	dims := make([]int, nd)
	size := 1
	for i := range dims {
		d := binary.BigEndian.Uint32(raw[4*i:])
		if d > maxIDXBytes || (d > 0 && size > maxIDXBytes/int(d)) {
			return nil, &FormatError{Msg: fmt.Sprintf("header declares dimensions %s, more than %d bytes", dimString(idxDims(raw)), maxIDXBytes)}
		}
		dims[i] = int(d)
		size *= int(d)
	}
	buf, err := readN(r, size)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, &FormatError{Msg: fmt.Sprintf("header says %s = %d bytes of data but the file has only %d", dimString(dims), size, len(buf))}
		}
		return nil, &FormatError{Msg: fmt.Sprintf("reading %s = %d bytes of data", dimString(dims), size), Err: err}
	}
	var one [1]byte
	switch n, err := io.ReadFull(r, one[:]); {
	case n > 0:
		return nil, &FormatError{Msg: fmt.Sprintf("data continues after the %s = %d bytes the header declares", dimString(dims), size)}
	case err != io.EOF:
		return nil, &FormatError{Msg: fmt.Sprintf("reading past the %s = %d bytes of data", dimString(dims), size), Err: err}
	}
	return &IDX{Dims: dims, Data: buf}, nil
}

// idxShort reports a file that ends, or fails, while reading what.
func idxShort(what string, n int, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		if n == 0 && what == "the 4-byte magic number" {
			return &FormatError{Msg: "empty file"}
		}
		return &FormatError{Msg: fmt.Sprintf("file ends inside %s", what)}
	}
	return &FormatError{Msg: "reading " + what, Err: err}
}

func idxDims(raw []byte) []int {
	d := make([]int, len(raw)/4)
	for i := range d {
		d[i] = int(binary.BigEndian.Uint32(raw[4*i:]))
	}
	return d
}

// dimString formats dims as "60000x28x28".
func dimString(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "x")
}

// readN reads exactly n bytes from r, growing its buffer as the data
// arrives, so that a header that lies about the size costs no more memory
// than the data that is really there. On a short read it returns what it
// read and io.ErrUnexpectedEOF (or io.EOF when nothing came).
func readN(r io.Reader, n int) ([]byte, error) {
	const first = 1 << 20
	buf := make([]byte, 0, min(n, first))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(n, 2*cap(buf))-len(buf))
		}
		m, err := io.ReadFull(r, buf[len(buf):min(n, cap(buf))])
		buf = buf[:len(buf)+m]
		if err != nil {
			if err == io.EOF && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
	}
	return buf, nil
}

// maybeGunzip returns a reader of r's content, decompressed when it starts
// with gzip's magic bytes 1f 8b.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	magic, err := br.Peek(2)
	if err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		// Too short for gzip, or not gzip: the caller's reads will report
		// a read error again, or the end of the input.
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, &FormatError{Msg: "corrupt gzip header", Err: err}
	}
	return zr, nil
}
