package data

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// sklearnRef holds the reference values that testdata/gen_reference.py
// computed with scikit-learn.
type sklearnRef struct {
	Iris struct {
		TargetNames   []string    `json:"target_names"`
		Rows          []int       `json:"rows"`
		Data          [][]float64 `json:"data"`
		Target        []int32     `json:"target"`
		StandardMean  []float64   `json:"standard_mean"`
		StandardScale []float64   `json:"standard_scale"`
		StandardRows  [][]float64 `json:"standard_rows"`
		MinMaxMin     []float64   `json:"minmax_min"`
		MinMaxMax     []float64   `json:"minmax_max"`
		MinMaxRows    [][]float64 `json:"minmax_rows"`
	} `json:"iris"`
	Digits struct {
		N            int         `json:"n"`
		Rows         []int       `json:"rows"`
		Data         [][]float64 `json:"data"`
		Target       []int32     `json:"target"`
		ClassCounts  []int       `json:"class_counts"`
		FeatureNames []string    `json:"feature_names"`
	} `json:"digits"`
}

func loadRef(t *testing.T) *sklearnRef {
	t.Helper()
	b, err := os.ReadFile("testdata/sklearn_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref sklearnRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	return &ref
}

// closeTo reports whether got and want agree to a float32's precision.
func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// wantRows checks rows of ds against want: equal as float32 when tol is 0,
// else to the relative tolerance tol.
func wantRows(t *testing.T, name string, ds *Dataset, rows []int, want [][]float64, tol float64) {
	t.Helper()
	for k, i := range rows {
		for j, v := range ds.Row(i) {
			exact := tol == 0 && v == float32(want[k][j])
			if !exact && (tol == 0 || !closeTo(float64(v), want[k][j], tol)) {
				t.Errorf("%s: row %d feature %d = %v, want %v", name, i, j, v, want[k][j])
			}
		}
	}
}

func TestIris(t *testing.T) {
	ref := loadRef(t).Iris
	ds := Iris()
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	if ds.N() != 150 || !slices.Equal(ds.Shape, []int{4}) {
		t.Fatalf("%d samples of %v, want 150 of [4]", ds.N(), ds.Shape)
	}
	if !slices.Equal(ds.Classes, ref.TargetNames) || !slices.Equal(ds.ClassCounts(), []int{50, 50, 50}) {
		t.Errorf("classes %q, counts %v", ds.Classes, ds.ClassCounts())
	}
	if !slices.Equal(ds.FeatureNames, []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}) {
		t.Errorf("FeatureNames %q", ds.FeatureNames)
	}
	if ds.YFloat != nil {
		t.Error("iris has real targets")
	}
	wantRows(t, "iris", ds, ref.Rows, ref.Data, 0)
	for k, i := range ref.Rows {
		if ds.Y[i] != ref.Target[k] {
			t.Errorf("Y[%d] = %d, want %d", i, ds.Y[i], ref.Target[k])
		}
	}
	// load_iris orders the classes in blocks of 50.
	for i, y := range ds.Y {
		if int(y) != i/50 {
			t.Fatalf("Y[%d] = %d, want %d", i, y, i/50)
		}
	}
	ds.X[0] = -1
	if Iris().X[0] != 5.1 {
		t.Error("Iris returns shared data")
	}
}

func TestDigits(t *testing.T) {
	ref := loadRef(t).Digits
	ds := Digits()
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	if ds.N() != ref.N || !slices.Equal(ds.Shape, []int{8, 8, 1}) || ds.NumFeatures() != 64 {
		t.Fatalf("%d samples of %v, want %d of [8 8 1]", ds.N(), ds.Shape, ref.N)
	}
	if !slices.Equal(ds.ClassCounts(), ref.ClassCounts) || len(ds.Classes) != 10 || ds.Classes[7] != "7" {
		t.Errorf("classes %q, counts %v, want counts %v", ds.Classes, ds.ClassCounts(), ref.ClassCounts)
	}
	wantRows(t, "digits", ds, ref.Rows, ref.Data, 0)
	for k, i := range ref.Rows {
		if ds.Y[i] != ref.Target[k] {
			t.Errorf("Y[%d] = %d, want %d", i, ds.Y[i], ref.Target[k])
		}
	}
	if !slices.Equal(ds.FeatureNames[:3], ref.FeatureNames) || ds.FeatureNames[63] != "pixel_7_7" {
		t.Errorf("FeatureNames %q ... %q", ds.FeatureNames[:3], ds.FeatureNames[63])
	}
	if lo, hi := slices.Min(ds.X), slices.Max(ds.X); lo != 0 || hi != 16 {
		t.Errorf("pixels in [%v, %v], want [0, 16]", lo, hi)
	}
}

func TestStandardScaler(t *testing.T) {
	ref := loadRef(t).Iris
	ds := Iris()
	var s StandardScaler
	s.Fit(ds.X, ds.NumFeatures())
	// The float32 data differ from scikit-learn's float64 by up to half a
	// float32 ulp, which moves the statistics by as much.
	for j := range 4 {
		if !closeTo(s.Mean[j], ref.StandardMean[j], 1e-6) || !closeTo(s.Scale[j], ref.StandardScale[j], 1e-6) {
			t.Errorf("feature %d: mean %v scale %v, want %v %v", j, s.Mean[j], s.Scale[j], ref.StandardMean[j], ref.StandardScale[j])
		}
	}
	orig := slices.Clone(ds.X)
	s.Transform(ds.X)
	wantRows(t, "standardised iris", ds, ref.Rows, ref.StandardRows, 1e-6)
	s.InverseTransform(ds.X)
	for i := range orig {
		if !closeTo(float64(ds.X[i]), float64(orig[i]), 1e-6) {
			t.Fatalf("InverseTransform: X[%d] = %v, want %v", i, ds.X[i], orig[i])
		}
	}

	// A constant feature gets scale 1, as in scikit-learn, and becomes 0.
	x := []float32{3, 1, 3, 2, 3, 3}
	s.Fit(x, 2)
	if s.Scale[0] != 1 || s.Mean[0] != 3 {
		t.Errorf("constant feature: mean %v scale %v, want 3, 1", s.Mean[0], s.Scale[0])
	}
	s.Transform(x)
	if x[0] != 0 || x[2] != 0 || !closeTo(float64(x[1]), -math.Sqrt(1.5), 1e-6) {
		t.Errorf("Transform = %v", x)
	}
}

func TestMinMaxScaler(t *testing.T) {
	ref := loadRef(t).Iris
	ds := Iris()
	var s MinMaxScaler
	s.Fit(ds.X, 4)
	for j := range 4 {
		if !closeTo(s.Min[j], ref.MinMaxMin[j], 1e-7) || !closeTo(s.Max[j], ref.MinMaxMax[j], 1e-7) {
			t.Errorf("feature %d: [%v, %v], want [%v, %v]", j, s.Min[j], s.Max[j], ref.MinMaxMin[j], ref.MinMaxMax[j])
		}
	}
	orig := slices.Clone(ds.X)
	s.Transform(ds.X)
	wantRows(t, "min-max iris", ds, ref.Rows, ref.MinMaxRows, 1e-6)
	if lo, hi := slices.Min(ds.X), slices.Max(ds.X); lo != 0 || hi != 1 {
		t.Errorf("scaled into [%v, %v], want [0, 1]", lo, hi)
	}
	s.InverseTransform(ds.X)
	for i := range orig {
		if !closeTo(float64(ds.X[i]), float64(orig[i]), 1e-6) {
			t.Fatalf("InverseTransform: X[%d] = %v, want %v", i, ds.X[i], orig[i])
		}
	}

	r := MinMaxScaler{Low: -1, High: 1}
	x := []float32{0, 5, 10, 5, 20, 5}
	r.Fit(x, 2)
	r.Transform(x)
	if !slices.Equal(x, []float32{-1, -1, 0, -1, 1, -1}) {
		t.Errorf("[-1, 1] with a constant feature: %v", x)
	}
}

func TestScalerPanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"fit ragged", func() { new(StandardScaler).Fit([]float32{1, 2, 3}, 2) }},
		{"fit empty", func() { new(StandardScaler).Fit(nil, 2) }},
		{"fit zero dim", func() { new(MinMaxScaler).Fit([]float32{1}, 0) }},
		{"transform before fit", func() { new(StandardScaler).Transform([]float32{1}) }},
		{"transform wrong width", func() {
			var s MinMaxScaler
			s.Fit([]float32{1, 2}, 2)
			s.Transform([]float32{1, 2, 3})
		}},
		{"low above high", func() { (&MinMaxScaler{Low: 1, High: 0}).Fit([]float32{1}, 1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.f()
		})
	}
}
