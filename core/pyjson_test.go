package core_test

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/go-tune/tune/core"
)

func TestPythonJSON(t *testing.T) {
	type point struct{ X int }
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, "null"},
		{1.0, "1.0"},
		{-1.0, "-1.0"},
		{float32(0.1), "0.1"},
		{3, "3"},
		{uint8(7), "7"},
		{1e20, "1e+20"},
		{"a\"b", `"a\"b"`},
		{true, "true"},
		{[]float64{1, 2.5}, "[1.0, 2.5]"},
		{map[string]any{"b": 2.0, "a": []any{1, "x", nil}}, `{"a": [1, "x", null], "b": 2.0}`},
		{map[string]int{"z": 1}, `{"z": 1}`},
		{point{3}, `{"X":3}`},
		{[]byte("hi"), `"aGk="`},
		{(*int)(nil), "null"},
	} {
		got, err := core.PythonJSON(c.v)
		if err != nil || string(got) != c.want {
			t.Errorf("PythonJSON(%#v) = %s, %v; want %s", c.v, got, err, c.want)
			continue
		}
		// It decodes to what encoding/json's form decodes to.
		var a, b any
		std, _ := json.Marshal(c.v)
		_ = json.Unmarshal(got, &a)
		_ = json.Unmarshal(std, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("PythonJSON(%#v) decodes to %v, encoding/json's to %v", c.v, a, b)
		}
	}
	for _, bad := range []any{math.NaN(), []float64{math.Inf(1)}, make(chan int)} {
		if _, err := core.PythonJSON(bad); err == nil {
			t.Errorf("PythonJSON(%v) succeeded", bad)
		}
	}
}
