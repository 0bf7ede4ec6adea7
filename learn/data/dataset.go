package data

import (
	"errors"
	"fmt"
	"slices"
)

// Dataset is a set of samples with float32 features and, optionally,
// targets. The zero value is an empty dataset.
//
// Functions of this package that return a Dataset give the caller sole
// ownership of it: its slices are shared with nothing else.
type Dataset struct {
	// X holds the features of all samples, row-major: sample i is
	// X[i*d : (i+1)*d] with d = NumFeatures().
	X []float32
	// Shape is the shape of one sample, such as [28, 28, 1] for an MNIST
	// image (height, width, channels: NHWC once batched) or [4] for an iris
	// flower. Models that want flat vectors use NumFeatures, the product.
	Shape []int
	// Y holds class indices in [0, NumClasses()), one per sample, for
	// classification; nil when the dataset has none.
	Y []int32
	// YFloat holds real-valued targets, one per sample, for regression;
	// nil when the dataset has none. A dataset may have both Y and YFloat
	// (a CSV file whose label column holds integers).
	YFloat []float32
	// Classes names the classes that Y indexes: Y == k means Classes[k].
	// Optional; nil when the classes have no names.
	Classes []string
	// FeatureNames names the NumFeatures() features, such as the header of
	// a CSV file. Optional; nil when the features have no names.
	FeatureNames []string
}

// NumFeatures returns the number of features of one sample, the product
// of Shape; 0 when Shape is empty.
func (d *Dataset) NumFeatures() int {
	if len(d.Shape) == 0 {
		return 0
	}
	n := 1
	for _, s := range d.Shape {
		n *= s
	}
	return n
}

// N returns the number of samples, len(X) / NumFeatures().
func (d *Dataset) N() int {
	f := d.NumFeatures()
	if f <= 0 {
		return 0
	}
	return len(d.X) / f
}

// Row returns the features of sample i, a sub-slice of X (not a copy).
func (d *Dataset) Row(i int) []float32 {
	f := d.NumFeatures()
	return d.X[i*f : (i+1)*f : (i+1)*f]
}

// NumClasses returns len(Classes) when Classes is set, else one more than
// the largest class index in Y, else 0.
func (d *Dataset) NumClasses() int {
	if len(d.Classes) > 0 {
		return len(d.Classes)
	}
	if len(d.Y) == 0 {
		return 0
	}
	return int(slices.Max(d.Y)) + 1
}

// ClassCounts returns how many samples each class has, indexed by class;
// nil when the dataset has no Y.
func (d *Dataset) ClassCounts() []int {
	if len(d.Y) == 0 {
		return nil
	}
	counts := make([]int, d.NumClasses())
	for _, y := range d.Y {
		if int(y) >= 0 && int(y) < len(counts) {
			counts[y]++
		}
	}
	return counts
}

// ErrInvalid is matched by errors.Is for the errors of [Dataset.Validate].
var ErrInvalid = errors.New("data: invalid dataset")

// Validate checks that the fields agree: positive Shape entries, len(X) a
// multiple of NumFeatures(), one Y and one YFloat per sample (or none),
// class indices in [0, len(Classes)) (or non-negative when Classes is
// nil), and one name per feature (or none).
func (d *Dataset) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if len(d.Shape) == 0 {
		if len(d.X) > 0 || len(d.Y) > 0 || len(d.YFloat) > 0 {
			return bad("no Shape")
		}
		return nil
	}
	for _, s := range d.Shape {
		if s <= 0 {
			return bad("Shape %v has a non-positive dimension", d.Shape)
		}
	}
	f := d.NumFeatures()
	if len(d.X)%f != 0 {
		return bad("len(X) = %d is not a multiple of %d features (Shape %v)", len(d.X), f, d.Shape)
	}
	n := len(d.X) / f
	if len(d.Y) != 0 && len(d.Y) != n {
		return bad("%d labels in Y for %d samples", len(d.Y), n)
	}
	if len(d.YFloat) != 0 && len(d.YFloat) != n {
		return bad("%d targets in YFloat for %d samples", len(d.YFloat), n)
	}
	for i, y := range d.Y {
		if y < 0 || (len(d.Classes) > 0 && int(y) >= len(d.Classes)) {
			return bad("Y[%d] = %d is not a class index (%d classes)", i, y, len(d.Classes))
		}
	}
	if len(d.FeatureNames) != 0 && len(d.FeatureNames) != f {
		return bad("%d feature names for %d features", len(d.FeatureNames), f)
	}
	return nil
}

// Subset returns a new dataset of the samples idx, in that order; an index
// may repeat (a bootstrap sample). Shape, Classes and FeatureNames are
// copied. It panics if an index is out of range.
func (d *Dataset) Subset(idx []int) *Dataset {
	f := d.NumFeatures()
	s := &Dataset{
		X:            make([]float32, len(idx)*f),
		Shape:        slices.Clone(d.Shape),
		Classes:      slices.Clone(d.Classes),
		FeatureNames: slices.Clone(d.FeatureNames),
	}
	for k, i := range idx {
		copy(s.X[k*f:(k+1)*f], d.X[i*f:(i+1)*f])
	}
	if d.Y != nil {
		s.Y = make([]int32, len(idx))
		for k, i := range idx {
			s.Y[k] = d.Y[i]
		}
	}
	if d.YFloat != nil {
		s.YFloat = make([]float32, len(idx))
		for k, i := range idx {
			s.YFloat[k] = d.YFloat[i]
		}
	}
	return s
}

// Clone returns a deep copy of d.
func (d *Dataset) Clone() *Dataset {
	return &Dataset{
		X:            slices.Clone(d.X),
		Shape:        slices.Clone(d.Shape),
		Y:            slices.Clone(d.Y),
		YFloat:       slices.Clone(d.YFloat),
		Classes:      slices.Clone(d.Classes),
		FeatureNames: slices.Clone(d.FeatureNames),
	}
}
