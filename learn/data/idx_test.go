package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// idxBytes encodes an IDX file of unsigned bytes.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gzipBytes(t testing.TB, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tinyMNIST returns the images and labels of n images of rows x cols
// whose pixel j of image i is (i*7 + j) mod 256, labelled i mod 10.
func tinyMNIST(n, rows, cols int) (images, labels []byte) {
	px := make([]byte, n*rows*cols)
	for i := range n {
		for j := range rows * cols {
			px[i*rows*cols+j] = byte(i*7 + j)
		}
	}
	lab := make([]byte, n)
	for i := range lab {
		lab[i] = byte(i % 10)
	}
	return idxBytes([]int{n, rows, cols}, px), idxBytes([]int{n}, lab)
}

func writeFile(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadIDX(t *testing.T) {
	raw := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 255})
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"raw", raw},
		{"gzip", gzipBytes(t, raw)},
		{"gzip multistream", append(gzipBytes(t, raw[:5]), gzipBytes(t, raw[5:])...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ReadIDX(bytes.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := dimString(m.Dims); got != "2x3" {
				t.Errorf("Dims = %s, want 2x3", got)
			}
			if !bytes.Equal(m.Data, []byte{1, 2, 3, 4, 5, 255}) {
				t.Errorf("Data = %v", m.Data)
			}
		})
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	corruptGz := gzipBytes(t, good)
	corruptGz[len(corruptGz)-6] ^= 0xff // the CRC-32 in the trailer
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"short magic", []byte{0, 0}, "file ends inside the 4-byte magic number"},
		{"bad magic", []byte("PK\x03\x04xxxx"), "bad magic number 0x504b0304"},
		{"float elements", []byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}, "element type 0x0d"},
		{"no dims", []byte{0, 0, 8, 0}, "declares 0 dimensions"},
		{"short dims", []byte{0, 0, 8, 3, 0, 0, 0, 1, 0}, "file ends inside the 3 dimension sizes"},
		{"truncated data", good[:len(good)-2], "header says 2x3 = 6 bytes of data but the file has only 4"},
		{"truncated gzip", gzipBytes(t, good)[:20], "header says 2x3 = 6 bytes"},
		{"gzip checksum", corruptGz, "checksum"},
		{"trailing data", append(good, 9), "data continues after the 2x3 = 6 bytes"},
		{"huge", idxBytes([]int{1 << 16, 1 << 16}, nil), "more than 2147483647 bytes"},
		{"corrupt gzip header", []byte{0x1f, 0x8b, 9, 9}, "corrupt gzip header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ReadIDX(bytes.NewReader(tc.in))
			if err == nil {
				t.Fatalf("ReadIDX = %v, want an error", m)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %v is not ErrFormat", err)
			}
			if m != nil {
				t.Errorf("partial result %v with the error", m)
			}
		})
	}
}

func TestLoadMNIST(t *testing.T) {
	trainImg, trainLab := tinyMNIST(5, 4, 3)
	testImg, testLab := tinyMNIST(2, 4, 3)
	for _, tc := range []struct {
		name  string
		names [4]string
		gz    bool
	}{
		{"raw", [4]string{MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels}, false},
		{"gz", [4]string{MNISTTrainImages + ".gz", MNISTTrainLabels + ".gz", MNISTTestImages + ".gz", MNISTTestLabels + ".gz"}, true},
		{"mixed", [4]string{MNISTTrainImages + ".gz", MNISTTrainLabels, MNISTTestImages, MNISTTestLabels + ".gz"}, false},
		{"dotted", [4]string{"train-images.idx3-ubyte", "train-labels.idx1-ubyte", "t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte"}, false},
		// A gzipped file is recognised by its content, whatever its name.
		{"gz without .gz", [4]string{MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, b := range [][]byte{trainImg, trainLab, testImg, testLab} {
				if tc.gz || strings.HasSuffix(tc.names[i], ".gz") {
					b = gzipBytes(t, b)
				}
				writeFile(t, dir, tc.names[i], b)
			}
			train, test, err := LoadMNIST(dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := train.Validate(); err != nil {
				t.Fatal(err)
			}
			if train.N() != 5 || test.N() != 2 {
				t.Fatalf("N = %d, %d, want 5, 2", train.N(), test.N())
			}
			if dimString(train.Shape) != "4x3x1" {
				t.Errorf("Shape = %v, want [4 3 1]", train.Shape)
			}
			for i := range 5 {
				if train.Y[i] != int32(i%10) {
					t.Errorf("Y[%d] = %d, want %d", i, train.Y[i], i%10)
				}
				for j, v := range train.Row(i) {
					if want := float32(byte(i*7+j)) / 255; v != want {
						t.Fatalf("image %d pixel %d = %v, want %v", i, j, v, want)
					}
				}
			}
			if len(train.Classes) != 10 || train.Classes[9] != "9" {
				t.Errorf("Classes = %v", train.Classes)
			}
		})
	}
}

func TestLoadMNISTErrors(t *testing.T) {
	img, lab := tinyMNIST(5, 4, 3)
	_, lab4 := tinyMNIST(4, 4, 3)
	names := [4]string{MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels}
	for _, tc := range []struct {
		name  string
		files [4][]byte
		want  []string // all in the error
	}{
		{"truncated images", [4][]byte{img[:len(img)-1], lab, img, lab},
			[]string{MNISTTrainImages, "header says 5x4x3 = 60 bytes of data but the file has only 59"}},
		{"count mismatch", [4][]byte{img, lab, img, lab4},
			[]string{MNISTTestLabels, "4 labels for the 5 images of " + MNISTTestImages}},
		{"labels as images", [4][]byte{lab, lab, img, lab},
			[]string{MNISTTrainImages, "1 dimensions (magic number 0x00000801), want 3 (0x00000803)"}},
		{"images as labels", [4][]byte{img, img, img, lab},
			[]string{MNISTTrainLabels, "3 dimensions (magic number 0x00000803), want 1 (0x00000801)"}},
		{"no images", [4][]byte{idxBytes([]int{0, 4, 3}, nil), idxBytes([]int{0}, nil), img, lab},
			[]string{MNISTTrainImages, "0 images"}},
		{"zero width", [4][]byte{idxBytes([]int{5, 4, 0}, nil), lab, img, lab},
			[]string{MNISTTrainImages, "images of 4x0 pixels"}},
		{"bad magic", [4][]byte{img, lab, []byte("not an idx file"), lab},
			[]string{MNISTTestImages, "bad magic number"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, b := range tc.files {
				writeFile(t, dir, names[i], b)
			}
			train, test, err := LoadMNIST(dir)
			if err == nil {
				t.Fatalf("LoadMNIST = %d, %d samples, want an error", train.N(), test.N())
			}
			if train != nil || test != nil {
				t.Error("partial load returned with the error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File == "" {
				t.Errorf("error %v is not a *FormatError naming the file", err)
			}
		})
	}

	t.Run("missing", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, names[0], img)
		_, _, err := LoadMNIST(dir)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), MNISTTrainLabels) {
			t.Errorf("error %v, want fs.ErrNotExist naming %s", err, MNISTTrainLabels)
		}
	})
}

func TestReadMNIST(t *testing.T) {
	img, lab := tinyMNIST(3, 2, 2)
	ds, err := ReadMNIST(bytes.NewReader(gzipBytes(t, img)), bytes.NewReader(lab))
	if err != nil {
		t.Fatal(err)
	}
	if ds.N() != 3 || ds.NumFeatures() != 4 {
		t.Errorf("N, features = %d, %d, want 3, 4", ds.N(), ds.NumFeatures())
	}
	_, err = ReadMNIST(bytes.NewReader(img), bytes.NewReader(lab[:len(lab)-1]))
	if err == nil || !strings.HasPrefix(err.Error(), "data: labels: header says 3") {
		t.Errorf("error %v, want one about the labels", err)
	}
}

func FuzzReadIDX(f *testing.F) {
	img, lab := tinyMNIST(3, 2, 2)
	f.Add(img)
	f.Add(lab)
	f.Add(gzipBytes(f, img))
	f.Add(idxBytes([]int{1, 1, 1, 1}, []byte{7}))
	f.Add([]byte{0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadIDX(bytes.NewReader(b))
		if err != nil {
			if m != nil {
				t.Fatal("result with an error")
			}
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v is not ErrFormat", err)
			}
			return
		}
		size := 1
		for _, d := range m.Dims {
			size *= d
		}
		if len(m.Dims) == 0 || size != len(m.Data) {
			t.Fatalf("Dims %v for %d bytes", m.Dims, len(m.Data))
		}
		if bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
			return
		}
		// What parses raw parses the same gzipped.
		m2, err := ReadIDX(bytes.NewReader(gzipBytes(t, b)))
		if err != nil || !bytes.Equal(m2.Data, m.Data) || dimString(m2.Dims) != dimString(m.Dims) {
			t.Fatalf("gzipped: %v, %v", m2, err)
		}
	})
}
