package data

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in       string
		opts     CSVOptions
		x        []float32
		shape    []int
		features []string
		y        []int32
		yf       []float32
		classes  []string
	}{
		{
			name:     "string classes sorted",
			in:       "a,b,kind\n1,2,dog\n3,4,cat\n5,6,dog\n7,8,ant\n",
			x:        []float32{1, 2, 3, 4, 5, 6, 7, 8},
			shape:    []int{2},
			features: []string{"a", "b"},
			y:        []int32{2, 1, 2, 0},
			classes:  []string{"ant", "cat", "dog"},
		},
		{
			name:     "integer labels: classes and real targets",
			in:       "x,y\n1,10\n2,2\n3,-1\n4,2.0\n",
			x:        []float32{1, 2, 3, 4},
			shape:    []int{1},
			features: []string{"x"},
			y:        []int32{2, 1, 0, 1},
			yf:       []float32{10, 2, -1, 2},
			classes:  []string{"-1", "2", "10"},
		},
		{
			name:     "real labels",
			in:       "x,y\n1,0.5\n2,1e3\n",
			x:        []float32{1, 2},
			shape:    []int{1},
			features: []string{"x"},
			yf:       []float32{0.5, 1000},
		},
		{
			name:     "forced regression",
			in:       "x,y\n1,1\n2,3\n",
			opts:     CSVOptions{Target: TargetRegression},
			x:        []float32{1, 2},
			shape:    []int{1},
			features: []string{"x"},
			yf:       []float32{1, 3},
		},
		{
			name:     "forced classes of numbers",
			in:       "x,y\n1,1.5\n2,0.25\n3,1.5\n",
			opts:     CSVOptions{Target: TargetClasses},
			x:        []float32{1, 2, 3},
			shape:    []int{1},
			features: []string{"x"},
			y:        []int32{1, 0, 1},
			classes:  []string{"0.25", "1.5"},
		},
		{
			name:     "named label in the middle, ignored id, semicolons, spaces, comments, BOM",
			in:       "\ufeffid; f1 ;label;f2\n# a comment\n7; 1.5 ;b;-2\n8;2.5; a ;3e1\n",
			opts:     CSVOptions{Label: "label", Comma: ';', Comment: '#', Ignore: []string{"id"}},
			x:        []float32{1.5, -2, 2.5, 30},
			shape:    []int{2},
			features: []string{"f1", "f2"},
			y:        []int32{1, 0},
			classes:  []string{"a", "b"},
		},
		{
			name:     "no header",
			in:       "1,2,x\n3,4,y\n",
			opts:     CSVOptions{NoHeader: true},
			x:        []float32{1, 2, 3, 4},
			shape:    []int{2},
			features: []string{"0", "1"},
			y:        []int32{0, 1},
			classes:  []string{"x", "y"},
		},
		{
			name:     "no header, label by position",
			in:       "1,2,3\n4,5,6\n",
			opts:     CSVOptions{NoHeader: true, Label: "0", Target: TargetRegression},
			x:        []float32{2, 3, 5, 6},
			shape:    []int{2},
			features: []string{"1", "2"},
			yf:       []float32{1, 4},
		},
		{
			name:     "no label",
			in:       "a,b\n1,2\n3,4\n",
			opts:     CSVOptions{NoLabel: true},
			x:        []float32{1, 2, 3, 4},
			shape:    []int{2},
			features: []string{"a", "b"},
		},
		{
			name:     "quoted fields, CRLF, NaN",
			in:       "\"a\",\"b, c\"\r\n\"1\",NaN\r\n",
			opts:     CSVOptions{NoLabel: true},
			x:        []float32{1, float32NaN()},
			shape:    []int{2},
			features: []string{"a", "b, c"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, gz := range []bool{false, true} {
				in := []byte(tc.in)
				if gz {
					in = gzipBytes(t, in)
				}
				ds, err := ReadCSV(bytes.NewReader(in), tc.opts)
				if err != nil {
					t.Fatalf("gzip %v: %v", gz, err)
				}
				if err := ds.Validate(); err != nil {
					t.Fatal(err)
				}
				eqNaN := func(a, b float32) bool { return a == b || (a != a && b != b) }
				if !slices.EqualFunc(ds.X, tc.x, eqNaN) || !slices.Equal(ds.Shape, tc.shape) ||
					!slices.Equal(ds.FeatureNames, tc.features) {
					t.Errorf("X %v Shape %v FeatureNames %q, want %v %v %q", ds.X, ds.Shape, ds.FeatureNames, tc.x, tc.shape, tc.features)
				}
				if !slices.Equal(ds.Y, tc.y) || !slices.Equal(ds.YFloat, tc.yf) || !slices.Equal(ds.Classes, tc.classes) {
					t.Errorf("Y %v YFloat %v Classes %q, want %v %v %q", ds.Y, ds.YFloat, ds.Classes, tc.y, tc.yf, tc.classes)
				}
			}
		})
	}
}

func float32NaN() float32 {
	var zero float32
	return zero / zero
}

func TestReadCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		opts CSVOptions
		want string // the whole message
	}{
		{"empty", "", CSVOptions{}, `data: empty CSV file`},
		{"header only", "a,b\n", CSVOptions{}, `data: CSV file has a header but no data rows`},
		{"not a number", "sepal_width,species\n1,a\n2,b\n3,c\n4,d\n5,e\nabc,f\n", CSVOptions{},
			`data: line 7, column "sepal_width": "abc" is not a number`},
		{"empty cell", "a,b,c\n1,,x\n", CSVOptions{}, `data: line 2, column "b": "" is not a number`},
		{"too big", "a,b\n1e39,x\n", CSVOptions{}, `data: line 2, column "a": "1e39" is out of the float32 range`},
		{"ragged short", "a,b,c\n1,2,x\n1,2\n", CSVOptions{}, `data: line 3: 2 fields, want 3 as in the header`},
		{"ragged long", "1,2,x\n1,2,3,4\n", CSVOptions{NoHeader: true}, `data: line 2: 4 fields, want 3 as in the first line`},
		{"missing label", "a,b\n1,2\n", CSVOptions{Label: "species"}, `data: no label column "species" among the columns "a", "b"`},
		{"missing ignored", "a,b\n1,2\n", CSVOptions{Ignore: []string{"id"}}, `data: no ignored column "id" among the columns "a", "b"`},
		{"ambiguous label", "a,y,y\n1,2,3\n", CSVOptions{Label: "y"}, `data: label column "y": more than one column has that name`},
		{"empty label", "a,b\n1,x\n2, \n", CSVOptions{}, `data: line 3, column "b": empty label`},
		{"label not a number", "a,b\n1,2\n2,x\n", CSVOptions{Target: TargetRegression}, `data: line 3, column "b": label "x" is not a number`},
		{"only a label", "y\n1\n", CSVOptions{}, `data: line 1: no feature columns among 1 columns`},
		{"bare quote", "a,b\n1,x\"y\n", CSVOptions{}, `data: line 2: character 4: bare " in non-quoted-field`},
		{"multi-line field then error", "a,b\n\"1\nz\",x\nq,y\n", CSVOptions{}, `data: line 2, column "a": "1\nz" is not a number`},
		{"line after multi-line field", "a,b\n1,\"x\ny\"\nq,y\n", CSVOptions{}, `data: line 4, column "a": "q" is not a number`},
		{"label and ignored", "a,b\n1,2\n", CSVOptions{Ignore: []string{"b"}}, `data: CSVOptions: the label column "b" is also in Ignore`},
		{"NoLabel with Label", "a,b\n1,2\n", CSVOptions{NoLabel: true, Label: "b"}, `data: CSVOptions: NoLabel with Label "b"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := ReadCSV(strings.NewReader(tc.in), tc.opts)
			if err == nil {
				t.Fatalf("ReadCSV = %+v, want an error", ds)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n%s\nwant\n%s", err, tc.want)
			}
			if ds != nil {
				t.Error("partial result with the error")
			}
		})
	}
}

func TestLoadCSV(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "bad.csv", []byte("a,b\n1,x\nz,y\n"))
	_, err := LoadCSV(filepath.Join(dir, "bad.csv"), CSVOptions{})
	var fe *FormatError
	if !errors.As(err, &fe) || !errors.Is(err, ErrFormat) || err.Error() != `data: bad.csv: line 3, column "a": "z" is not a number` {
		t.Errorf("error %v, want a *FormatError naming bad.csv", err)
	}
	if fe != nil && (fe.File != "bad.csv" || fe.Line != 3 || fe.Column != "a") {
		t.Errorf("FormatError %+v", *fe)
	}
	path := filepath.Join(dir, "iris.csv.gz")
	writeFile(t, dir, "iris.csv.gz", gzipBytes(t, IrisCSV()))
	ds, err := LoadCSV(path, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.N() != 150 || !slices.Equal(ds.Classes, []string{"setosa", "versicolor", "virginica"}) {
		t.Errorf("LoadCSV(iris.csv.gz) = %d samples, classes %q", ds.N(), ds.Classes)
	}
	if _, err := LoadCSV(filepath.Join(dir, "none.csv"), CSVOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v, want os.ErrNotExist", err)
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("a,b,c\n1,2,x\n3,4,y\n"), false, "")
	f.Add([]byte("1,2,3\n4,5,6\n"), true, "1")
	f.Add([]byte("x,y\n1,0.5\n2,1e3\n"), false, "x")
	f.Add([]byte("\"a\",\"b\"\r\n\"1\",NaN\r\n"), false, "")
	f.Add(gzipBytes(f, []byte("a,b\n1,2\n")), false, "")
	f.Add(IrisCSV(), false, "species")
	f.Fuzz(func(t *testing.T, b []byte, noHeader bool, label string) {
		for _, target := range []Target{TargetAuto, TargetClasses, TargetRegression} {
			ds, err := ReadCSV(bytes.NewReader(b), CSVOptions{NoHeader: noHeader, Label: label, Target: target})
			if err != nil {
				if ds != nil {
					t.Fatal("result with an error")
				}
				continue
			}
			if err := ds.Validate(); err != nil {
				t.Fatalf("invalid dataset: %v", err)
			}
			if ds.N() == 0 || (ds.Y == nil && ds.YFloat == nil) {
				t.Fatalf("%d samples, Y %v, YFloat %v", ds.N(), ds.Y, ds.YFloat)
			}
			if ds.Y != nil && len(ds.Classes) == 0 {
				t.Fatal("Y without Classes")
			}
			if !slices.IsSorted(ds.Classes) && target != TargetClasses && ds.YFloat == nil {
				t.Fatalf("string classes not sorted: %q", ds.Classes)
			}
		}
	})
}
