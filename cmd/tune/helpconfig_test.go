package main

import (
	"os"
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

// TestREADMEShowsConfigHelp keeps the README's copy of the keys current.
func TestREADMEShowsConfigHelp(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), strings.TrimSpace(configHelp)) {
		t.Error("README.md does not hold tune help config's text; copy it there")
	}
}
