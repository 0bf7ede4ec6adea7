package runner

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is a study file: what `tune run study.yaml` runs. YAML or JSON
// (JSON is YAML); keys are snake_case. See the README's "Study files".
type Config struct {
	// Study names the study; required.
	Study string `yaml:"study"`
	// Storage is a storage URL; "" means sqlite:///tune.db in the working
	// directory.
	Storage string `yaml:"storage"`
	// Direction is "minimize" (the default) or "maximize"; Directions
	// lists one per metric for several objectives (then Metrics too).
	Direction  string   `yaml:"direction"`
	Directions []string `yaml:"directions"`
	// Metric names the value the program reports; Metrics one per
	// direction.
	Metric  string   `yaml:"metric"`
	Metrics []string `yaml:"metrics"`
	// Sampler and Pruner choose the algorithms and their settings.
	Sampler Component `yaml:"sampler"`
	Pruner  Component `yaml:"pruner"`
	// Trials is the number of trials the study should have in all; 0
	// means no limit (until Timeout or Ctrl-C).
	Trials int `yaml:"trials"`
	// Parallel is the number of trials run at once; 0 means 1.
	Parallel int `yaml:"parallel"`
	// Timeout stops starting trials after this long ("2h"); TrialTimeout
	// fails a trial that runs longer.
	Timeout      Duration `yaml:"timeout"`
	TrialTimeout Duration `yaml:"trial_timeout"`
	// Seed seeds the sampler; 0 means random (recorded in the study).
	Seed uint64 `yaml:"seed"`
	// MaxFailures stops the run after this many consecutive failed
	// trials; 0 means 5.
	MaxFailures int `yaml:"max_failures"`
	// Space lists the parameters, in order.
	Space Space `yaml:"space"`
	// Command is the program to run for a trial, as an argv whose
	// elements are Go templates over the parameters: "--lr={{.lr}}".
	Command []string `yaml:"command"`
	// Workdir is the command's working directory; "" means the study
	// file's directory.
	Workdir string `yaml:"workdir"`
	// Env adds variables to the command's environment.
	Env map[string]string `yaml:"env"`
	// MetricsFrom says where the program's metrics appear: "stdout" (the
	// default), "stderr", or "file:PATH" (a file the program writes).
	MetricsFrom string `yaml:"metrics_from"`
	// Model is a built-in objective (a model of learn/ cross-validated on
	// a dataset) instead of a Command.
	Model *Model `yaml:"model"`
	// GPUs gives each running trial its own CUDA_VISIBLE_DEVICES from
	// this list; never shared by two running trials.
	GPUs []string `yaml:"gpus"`
	// Slots, instead of GPUs, gives each running trial the environment of
	// one free slot: slots: [{CUDA_VISIBLE_DEVICES: "0,1"}, {...}].
	Slots []map[string]string `yaml:"slots"`

	raw string // the file as read, stored with the study for workers
}

// Component is a sampler or pruner: a name and its settings, written
// either as a bare name ("tpe") or as {name: tpe, config: {...}}.
type Component struct {
	Name   string         `yaml:"name"`
	Config map[string]any `yaml:"config"`
}

// UnmarshalYAML accepts a bare name.
func (c *Component) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		c.Name = n.Value
		return nil
	}
	type plain Component
	return n.Decode((*plain)(c))
}

// Duration is a time.Duration written as "90s", "2h" or a number of
// seconds.
type Duration time.Duration

// UnmarshalYAML reads "90s", "1h30m" or seconds.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	bad := func(format string, args ...any) error {
		return &Error{Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
	}
	if n.Kind != yaml.ScalarNode {
		return bad("want a duration such as 90s or 2h")
	}
	if s, err := strconv.ParseFloat(n.Value, 64); err == nil {
		if s < 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			return bad("duration %s must be >= 0", n.Value)
		}
		*d = Duration(s * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return bad("%q is not a duration such as 90s or 2h", n.Value)
	}
	*d = Duration(v)
	return nil
}

// Param is one parameter of the search space.
type Param struct {
	Name string `yaml:"-"`
	// Type is float, int or categorical.
	Type string `yaml:"type"`
	// Low and High bound a float or int parameter; Log samples it on a
	// log scale; Step quantises it.
	Low  *float64 `yaml:"low"`
	High *float64 `yaml:"high"`
	Log  bool     `yaml:"log"`
	Step float64  `yaml:"step"`
	// Choices are a categorical parameter's values.
	Choices []any `yaml:"choices"`
	// When makes the parameter conditional: it exists only in trials
	// where each named parameter has the given value.
	When map[string]any `yaml:"when"`

	line, col int
}

// Space is the parameters in the order the file lists them.
type Space []Param

// UnmarshalYAML reads a mapping from names to parameters, keeping the
// order.
func (s *Space) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return errors.New("space must map parameter names to their ranges")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var p Param
		if err := checkKeys(v, reflect.TypeFor[Param](), "space."+k.Value); err != nil {
			return err
		}
		if err := v.Decode(&p); err != nil {
			return err
		}
		p.Name, p.line, p.col = k.Value, k.Line, k.Column
		*s = append(*s, p)
	}
	return nil
}

// Error is a study-file error at a place in the file.
type Error struct {
	File      string
	Line, Col int
	Key       string // the key at fault, such as "space.lr.low"; "" if none
	Msg       string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	switch {
	case e.Line > 0 && e.Col > 0:
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	case e.Line > 0:
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadConfig reads and checks the study file at path.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseConfig(path, b)
}

var lineRE = regexp.MustCompile(`line (\d+): (.*)`)

// ParseConfig reads a study file's bytes; name labels errors. Unknown
// keys, values of the wrong type and an impossible space are errors with
// the file, line, column and key.
func ParseConfig(name string, b []byte) (*Config, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&root); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := lineRE.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &Error{File: name, Line: line, Msg: m[2]}
		}
		if err.Error() == "EOF" {
			return nil, &Error{File: name, Msg: "the file is empty"}
		}
		return nil, &Error{File: name, Msg: msg}
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: doc.Line, Col: doc.Column, Msg: "a study file is a mapping of keys (study, space, command, ...)"}
	}
	if err := checkKeys(doc, reflect.TypeFor[Config](), ""); err != nil {
		return nil, withFile(err, name)
	}
	var cfg Config
	if err := doc.Decode(&cfg); err != nil {
		return nil, withFile(err, name)
	}
	if err := cfg.check(doc); err != nil {
		return nil, withFile(err, name)
	}
	cfg.raw = string(b)
	return &cfg, nil
}

func withFile(err error, name string) error {
	var e *Error
	if errors.As(err, &e) {
		e.File = name
		return e
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg := te.Errors[0]
		if m := lineRE.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return &Error{File: name, Line: line, Msg: m[2]}
		}
		return &Error{File: name, Msg: msg}
	}
	return &Error{File: name, Msg: err.Error()}
}

// checkKeys reports the first key of mapping n that struct type t has no
// field for (by yaml tag), with its position; path prefixes the key.
func checkKeys(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	known := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if tag != "" && tag != "-" {
			known[tag] = f.Type
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		key := k.Value
		if path != "" {
			key = path + "." + k.Value
		}
		ft, ok := known[k.Value]
		if !ok {
			names := make([]string, 0, len(known))
			for name := range known {
				names = append(names, name)
			}
			slices.Sort(names)
			return &Error{Line: k.Line, Col: k.Column, Key: key, Msg: "unknown key; the keys are " + strings.Join(names, ", ")}
		}
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[Duration]() {
			if err := checkKeys(n.Content[i+1], ft, key); err != nil {
				return err
			}
		}
	}
	return nil
}

// check validates the decoded config, pointing at the offending node.
func (c *Config) check(doc *yaml.Node) error {
	at := func(key string) (int, int) {
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == key {
				v := doc.Content[i+1]
				return v.Line, v.Column
			}
		}
		return doc.Line, doc.Column
	}
	bad := func(key, format string, args ...any) error {
		l, col := at(key)
		return &Error{Line: l, Col: col, Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.Study == "":
		return bad("study", "a study name is required")
	case c.Direction != "" && len(c.Directions) > 0:
		return bad("directions", "give direction or directions, not both")
	case c.Metric != "" && len(c.Metrics) > 0:
		return bad("metrics", "give metric or metrics, not both")
	case c.Trials < 0:
		return bad("trials", "%d, must be >= 0 (0: no limit)", c.Trials)
	case c.Parallel < 0:
		return bad("parallel", "%d, must be >= 1 (0: 1)", c.Parallel)
	case c.MaxFailures < 0:
		return bad("max_failures", "%d, must be >= 1 (0: 5)", c.MaxFailures)
	case len(c.Space) == 0:
		return bad("space", "the search space is empty")
	case len(c.Command) == 0 && c.Model == nil:
		return bad("command", "a command (an argv: [python3, train.py, \"--lr={{.lr}}\"]) or a model is required")
	case len(c.Command) > 0 && c.Model != nil:
		return bad("model", "give a command or a model, not both")
	case len(c.GPUs) > 0 && len(c.Slots) > 0:
		return bad("slots", "give gpus or slots, not both")
	}
	if c.Model != nil {
		if err := c.Model.check(); err != nil {
			return bad("model", "%v", err)
		}
		if c.Direction == "" && len(c.Directions) == 0 {
			c.Direction = "maximize" // a score: greater is better
		}
		if c.Metric == "" {
			c.Metric = c.Model.Scoring
		}
		if len(c.directionList()) != 1 || c.directionList()[0] != "maximize" {
			return bad("direction", "a model's score is maximized")
		}
	}
	for _, d := range c.directionList() {
		if d != "minimize" && d != "maximize" {
			return bad("direction", "%q: want minimize or maximize", d)
		}
	}
	if len(c.directionList()) != len(c.metricList()) {
		return bad("metrics", "%d metrics for %d directions", len(c.metricList()), len(c.directionList()))
	}
	if m := c.MetricsFrom; m != "" && m != "stdout" && m != "stderr" && !strings.HasPrefix(m, "file:") {
		return bad("metrics_from", "%q: want stdout, stderr or file:PATH", m)
	}
	if m := c.MetricsFrom; strings.HasPrefix(m, "file:") && c.Parallel > 1 && !strings.Contains(m, "TUNE_TRIAL_NUMBER") {
		return bad("metrics_from", "%q: with parallel trials each needs its own file: put $TUNE_TRIAL_NUMBER in its name", m)
	}
	names := map[string]*Param{}
	for i := range c.Space {
		p := &c.Space[i]
		if err := p.check(names); err != nil {
			return &Error{Line: p.line, Col: p.col, Key: "space." + p.Name, Msg: err.Error()}
		}
		names[p.Name] = p
	}
	return nil
}

func (c *Config) directionList() []string {
	if len(c.Directions) > 0 {
		return c.Directions
	}
	if c.Direction == "" {
		return []string{"minimize"}
	}
	return []string{c.Direction}
}

func (c *Config) metricList() []string {
	if len(c.Metrics) > 0 {
		return c.Metrics
	}
	if c.Metric == "" {
		return []string{"value"}
	}
	return []string{c.Metric}
}

// check validates one parameter; earlier holds the parameters before it,
// which its When may name.
func (p *Param) check(earlier map[string]*Param) error {
	if !validName(p.Name) {
		return fmt.Errorf("a parameter name may hold letters, digits and _ - . / only")
	}
	switch p.Type {
	case "float", "int":
		if p.Low == nil || p.High == nil {
			return fmt.Errorf("a %s parameter needs low and high", p.Type)
		}
		lo, hi := *p.Low, *p.High
		switch {
		case !(lo <= hi):
			return fmt.Errorf("low %v is above high %v", lo, hi)
		case p.Log && lo <= 0:
			return fmt.Errorf("a log scale needs low > 0, got %v", lo)
		case p.Step < 0:
			return fmt.Errorf("step %v must be > 0", p.Step)
		case p.Log && p.Step > 0 && p.Type == "float":
			return fmt.Errorf("log and step cannot go together")
		case p.Type == "int" && (lo != math.Trunc(lo) || hi != math.Trunc(hi)):
			return fmt.Errorf("an int parameter needs whole low and high, got %v and %v", lo, hi)
		}
		if p.Step > 0 {
			n := (hi - lo) / p.Step
			if math.Abs(n-math.Round(n)) > 1e-9*math.Max(1, n) {
				return fmt.Errorf("step %v does not divide the range [%v, %v]", p.Step, lo, hi)
			}
		}
		if len(p.Choices) > 0 {
			return fmt.Errorf("choices are for categorical parameters")
		}
	case "categorical":
		if len(p.Choices) == 0 {
			return fmt.Errorf("a categorical parameter needs choices")
		}
		for _, v := range p.Choices {
			switch v.(type) {
			case nil, string, int, float64, bool:
			default:
				return fmt.Errorf("choice %v: choices are strings, numbers, booleans or null", v)
			}
		}
		if p.Low != nil || p.High != nil || p.Log || p.Step != 0 {
			return fmt.Errorf("low, high, log and step are for float and int parameters")
		}
	case "":
		return fmt.Errorf("type is required: float, int or categorical")
	default:
		return fmt.Errorf("type %q: want float, int or categorical", p.Type)
	}
	for name, v := range p.When {
		q, ok := earlier[name]
		if !ok {
			return fmt.Errorf("when names %q, which is not a parameter listed before it", name)
		}
		if q.Type == "categorical" && !slices.ContainsFunc(q.Choices, func(c any) bool { return fmt.Sprint(c) == fmt.Sprint(v) }) {
			return fmt.Errorf("when %s = %v, which is not one of its choices %v", name, v, q.Choices)
		}
	}
	return nil
}
