package modelsel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-tune/tune/learn/data"
)

// Estimator is a model that learns from a dataset. Fit may be called once
// per value; a search makes a fresh one for every fit. Fit should return
// ctx.Err() soon after ctx is cancelled.
type Estimator interface {
	Fit(ctx context.Context, train *data.Dataset) error
}

// Classifier is an Estimator that predicts class indices, trained on the
// dataset's Y.
type Classifier interface {
	Estimator
	Predict(ds *data.Dataset) ([]int32, error)
}

// ProbClassifier is a Classifier that also predicts class probabilities:
// PredictProba returns ds.N() rows of k values, row-major, where column j
// is the probability of class j and k is the number of classes of the
// training set (its NumClasses).
type ProbClassifier interface {
	Classifier
	PredictProba(ds *data.Dataset) ([]float64, error)
}

// Regressor is an Estimator that predicts real values, trained on the
// dataset's YFloat.
type Regressor interface {
	Estimator
	Predict(ds *data.Dataset) ([]float64, error)
}

// Params holds hyperparameters by name, such as {"n_estimators": 100,
// "max_depth": nil}. A nil value stands for scikit-learn's None.
type Params map[string]any

// Keys returns the parameter names, sorted.
func (p Params) Keys() []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Clone returns a shallow copy of p.
func (p Params) Clone() Params {
	c := make(Params, len(p))
	for k, v := range p {
		c[k] = v
	}
	return c
}

// String formats p as scikit-learn prints best_params_, keys sorted:
// {'max_depth': 10, 'max_features': 'sqrt', 'n_estimators': 50}.
func (p Params) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range p.Keys() {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "'%s': %s", k, pyRepr(p[k], true))
	}
	b.WriteByte('}')
	return b.String()
}

// flat formats p as scikit-learn's verbose lines do: keys sorted,
// max_depth=10, max_features=sqrt.
func (p Params) flat() string {
	var b strings.Builder
	for i, k := range p.Keys() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(pyRepr(p[k], false))
	}
	return b.String()
}

// pyRepr writes v as Python would print it: None, True, 0.1, and strings
// quoted when quote is set (repr) or bare (str).
func pyRepr(v any, quote bool) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case string:
		if quote {
			return "'" + v + "'"
		}
		return v
	case float64:
		return pyFloat(v)
	case float32:
		return pyFloat(float64(v))
	case fmt.Stringer:
		if quote {
			return "'" + v.String() + "'"
		}
		return v.String()
	}
	return fmt.Sprint(v)
}

func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f == math.Trunc(f) && math.Abs(f) < 1e16:
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Factory makes a fresh, unfitted estimator with the given
// hyperparameters. It must reject names it does not know, naming them (as
// FromConfig does), so that a typo in a search space fails before any fit.
// A search calls it concurrently from several goroutines.
type Factory func(p Params) (Estimator, error)

// FromConfig returns a Factory that copies base, sets the fields that p
// names with Bind, and passes the copy to build:
//
//	f := modelsel.FromConfig(forest.Config{Seed: 42}, forest.NewClassifier)
func FromConfig[C any, E Estimator](base C, build func(C) E) Factory {
	return func(p Params) (Estimator, error) {
		c := base
		if err := Bind(&c, p); err != nil {
			return nil, err
		}
		return build(c), nil
	}
}

// ErrUnknownParam is matched by errors.Is for the error Bind returns when
// p names a hyperparameter that the config does not have.
var ErrUnknownParam = errors.New("modelsel: unknown hyperparameter")

// ParamSetter is implemented by config field types that parse their own
// hyperparameter values, such as a max_features that takes "sqrt", 0.5 or
// 3; Bind calls SetParam on the field's address.
type ParamSetter interface {
	SetParam(v any) error
}

// Bind sets the fields of the struct that cfg points to from p. A field is
// named by its tag, `param:"n_estimators"` (`param:"-"` or no tag: not
// settable); fields of embedded structs count as the struct's own. Values
// convert as a user would expect: an integral float64 to an int field, an
// int to a float field, nil (None) to the zero value or a nil pointer, and
// any value to a field whose address is a ParamSetter through SetParam.
//
// Every name of p that no field has is reported in one error that matches
// ErrUnknownParam and lists the known names; a value that does not fit its
// field is an error naming both. On error cfg is left unchanged. Bind panics if cfg is not a non-nil
// pointer to a struct (a programmer error).
func Bind(cfg any, p Params) error {
	rv := reflect.ValueOf(cfg)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("modelsel: Bind needs a pointer to a struct, got %T", cfg))
	}
	// Bind into a copy, so that a bad value leaves cfg as it was.
	tmp := reflect.New(rv.Elem().Type()).Elem()
	tmp.Set(rv.Elem())
	fields := map[string]reflect.Value{}
	paramFields(tmp, fields)
	var unknown []string
	for _, k := range p.Keys() {
		if _, ok := fields[k]; !ok {
			unknown = append(unknown, strconv.Quote(k))
		}
	}
	if len(unknown) > 0 {
		known := make([]string, 0, len(fields))
		for k := range fields {
			known = append(known, k)
		}
		slices.Sort(known)
		return fmt.Errorf("%w %s for %T; it has %s", ErrUnknownParam, strings.Join(unknown, ", "),
			rv.Elem().Interface(), strings.Join(known, ", "))
	}
	for _, k := range p.Keys() {
		if err := setField(fields[k], p[k]); err != nil {
			return fmt.Errorf("modelsel: hyperparameter %s = %s: %w", k, pyRepr(p[k], true), err)
		}
	}
	rv.Elem().Set(tmp)
	return nil
}

// ParamNames returns the hyperparameter names that Bind can set in the
// struct cfg points to, sorted.
func ParamNames(cfg any) []string {
	rv := reflect.ValueOf(cfg)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	fields := map[string]reflect.Value{}
	if rv.Kind() == reflect.Struct {
		paramFields(reflect.New(rv.Type()).Elem(), fields)
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

func paramFields(v reflect.Value, out map[string]reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("param")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			paramFields(v.Field(i), out)
			continue
		}
		if !f.IsExported() || tag == "" || tag == "-" {
			continue
		}
		out[tag] = v.Field(i)
	}
}

var paramSetterType = reflect.TypeFor[ParamSetter]()

func setField(f reflect.Value, v any) error {
	if f.Addr().Type().Implements(paramSetterType) {
		return f.Addr().Interface().(ParamSetter).SetParam(v)
	}
	if v == nil {
		f.SetZero()
		return nil
	}
	if f.Kind() == reflect.Pointer {
		e := reflect.New(f.Type().Elem())
		if err := setField(e.Elem(), v); err != nil {
			return err
		}
		f.Set(e)
		return nil
	}
	rv := reflect.ValueOf(v)
	mismatch := fmt.Errorf("a %T does not fit a field of type %s", v, f.Type())
	switch f.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := asInt(rv)
		if !ok {
			return mismatch
		}
		if f.OverflowInt(n) {
			return fmt.Errorf("%d overflows %s", n, f.Type())
		}
		f.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := asInt(rv)
		if !ok {
			return mismatch
		}
		if n < 0 || f.OverflowUint(uint64(n)) {
			return fmt.Errorf("%d does not fit %s", n, f.Type())
		}
		f.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		switch {
		case rv.CanFloat():
			f.SetFloat(rv.Float())
		case rv.CanInt():
			f.SetFloat(float64(rv.Int()))
		case rv.CanUint():
			f.SetFloat(float64(rv.Uint()))
		default:
			return mismatch
		}
	default:
		if !rv.Type().AssignableTo(f.Type()) {
			if !rv.Type().ConvertibleTo(f.Type()) || rv.Kind() != f.Kind() {
				return mismatch
			}
			rv = rv.Convert(f.Type())
		}
		f.Set(rv)
	}
	return nil
}

// asInt reads an integer from an int, a uint or an integral float.
func asInt(rv reflect.Value) (int64, bool) {
	switch {
	case rv.CanInt():
		return rv.Int(), true
	case rv.CanUint():
		u := rv.Uint()
		return int64(u), u <= math.MaxInt64
	case rv.CanFloat():
		x := rv.Float()
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, false
		}
		return int64(x), true
	}
	return 0, false
}
