package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/go-tune/tune/runner"
)

// TestConfigHelpNamesEveryKey keeps tune help config in step with the
// parser.
func TestConfigHelpNamesEveryKey(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[runner.Config](), reflect.TypeFor[runner.Model](), reflect.TypeFor[runner.Param]()} {
		for i := range typ.NumField() {
			tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
			if tag == "" || tag == "-" {
				continue
			}
			if !strings.Contains(configHelp, tag+":") {
				t.Errorf("tune help config does not mention %s.%s", typ.Name(), tag)
			}
		}
	}
}
