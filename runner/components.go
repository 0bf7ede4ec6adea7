package runner

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"unicode"

	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/sampler"
	"github.com/go-tune/tune/sampler/auto"
	"github.com/go-tune/tune/sampler/cmaes"
	"github.com/go-tune/tune/sampler/gp"
	"github.com/go-tune/tune/sampler/nsga2"
	"github.com/go-tune/tune/sampler/qmc"
	"github.com/go-tune/tune/sampler/random"
	"github.com/go-tune/tune/sampler/tpe"
)

// Samplers and Pruners name what a study file may choose.
var (
	Samplers = []string{"auto", "cmaes", "gp", "nsga2", "qmc", "random", "tpe"}
	Pruners  = []string{"asha", "hyperband", "median", "none", "patient", "percentile", "threshold", "wilcoxon"}
)

// NewSampler makes the sampler c names ("" means tpe), its config keys
// set by snake_case names of the config struct's fields (startup_trials
// sets tpe.Config.StartupTrials).
func NewSampler(c Component) (sampler.Sampler, error) {
	switch c.Name {
	case "random":
		if len(c.Config) > 0 {
			return nil, fmt.Errorf("sampler random takes no config")
		}
		return random.New(), nil
	case "", "tpe":
		var cfg tpe.Config
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("sampler tpe: %w", err)
		}
		return tpe.New(cfg)
	case "gp":
		var cfg gp.Config
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("sampler gp: %w", err)
		}
		return gp.New(cfg)
	case "cmaes":
		var cfg cmaes.Config
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("sampler cmaes: %w", err)
		}
		return cmaes.New(cfg)
	case "qmc":
		var cfg qmc.Config
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("sampler qmc: %w", err)
		}
		return qmc.New(cfg)
	case "nsga2":
		var cfg nsga2.Config
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("sampler nsga2: %w", err)
		}
		return nsga2.New(cfg)
	case "auto":
		var cfg auto.Config
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("sampler auto: %w", err)
		}
		return auto.New(cfg)
	}
	return nil, fmt.Errorf("unknown sampler %q; the samplers are %s", c.Name, strings.Join(Samplers, ", "))
}

// NewPruner makes the pruner c names ("" means median).
func NewPruner(c Component) (pruner.Pruner, error) {
	var p pruner.Pruner
	switch c.Name {
	case "none":
		p = pruner.Nop{}
	case "", "median":
		var cfg pruner.Median
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("pruner median: %w", err)
		}
		p = cfg
	case "percentile":
		var cfg pruner.Percentile
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("pruner percentile: %w", err)
		}
		p = cfg
	case "asha":
		var cfg pruner.SuccessiveHalving
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("pruner asha: %w", err)
		}
		p = cfg
	case "hyperband":
		var cfg pruner.Hyperband
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("pruner hyperband: %w", err)
		}
		p = cfg
	case "threshold":
		var cfg pruner.Threshold
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("pruner threshold: %w", err)
		}
		p = cfg
	case "patient":
		var cfg pruner.Patient
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("pruner patient: %w", err)
		}
		p = cfg
	case "wilcoxon":
		var cfg pruner.Wilcoxon
		if err := setFields(&cfg, c.Config); err != nil {
			return nil, fmt.Errorf("pruner wilcoxon: %w", err)
		}
		p = cfg
	default:
		return nil, fmt.Errorf("unknown pruner %q; the pruners are %s", c.Name, strings.Join(Pruners, ", "))
	}
	if v, ok := p.(pruner.Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, fmt.Errorf("pruner %s: %w", c.Name, err)
		}
	}
	return p, nil
}

// snake turns a Go field name into its study-file key: StartupTrials ->
// startup_trials.
func snake(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// setFields sets the numeric, bool and string fields (and pointers to
// them) of the struct cfg points to from m, keys being the fields'
// snake_case names. Unknown keys and values of the wrong kind are errors
// that name them.
func setFields(cfg any, m map[string]any) error {
	v := reflect.ValueOf(cfg).Elem()
	t := v.Type()
	fields := map[string]reflect.Value{}
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			fields[snake(f.Name)] = v.Field(i)
		}
	}
	for _, k := range sortedKeys(m) {
		f, ok := fields[k]
		if !ok {
			names := sortedKeys(fields)
			return fmt.Errorf("unknown setting %q; the settings are %s", k, strings.Join(names, ", "))
		}
		if err := setValue(f, m[k]); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

func setValue(f reflect.Value, x any) error {
	if f.Kind() == reflect.Pointer {
		e := reflect.New(f.Type().Elem())
		if err := setValue(e.Elem(), x); err != nil {
			return err
		}
		f.Set(e)
		return nil
	}
	switch f.Kind() {
	case reflect.Bool:
		b, ok := x.(bool)
		if !ok {
			return fmt.Errorf("want true or false, got %v", x)
		}
		f.SetBool(b)
	case reflect.String:
		s, ok := x.(string)
		if !ok {
			return fmt.Errorf("want a string, got %v", x)
		}
		f.SetString(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := whole(x)
		if !ok || f.OverflowInt(n) {
			return fmt.Errorf("want a whole number, got %v", x)
		}
		f.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := whole(x)
		if !ok || n < 0 {
			return fmt.Errorf("want a whole number >= 0, got %v", x)
		}
		f.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		switch x := x.(type) {
		case int:
			f.SetFloat(float64(x))
		case float64:
			f.SetFloat(x)
		default:
			return fmt.Errorf("want a number, got %v", x)
		}
	default:
		return fmt.Errorf("cannot be set from a study file")
	}
	return nil
}

func whole(x any) (int64, bool) {
	switch x := x.(type) {
	case int:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	}
	return 0, false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
