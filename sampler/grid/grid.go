package grid

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/go-tune/tune/core"
	"github.com/go-tune/tune/sampler"
)

// Sampler is the grid sampler. It is safe for concurrent use.
type Sampler struct {
	names  []string // sorted
	values [][]any  // values[i] are the values of names[i], as given
	size   int
	prefix string // key prefix, a fingerprint of the grid
	space  map[string][]any
}

var (
	_ sampler.Sampler = (*Sampler)(nil)
	_ sampler.Planner = (*Sampler)(nil)
)

// The trial system attributes the sampler sets, as Optuna's GridSampler does.
const (
	// GridIDAttr is the index of the trial's combination: Optuna's grid_id,
	// over the parameters in name order, the last one varying fastest.
	GridIDAttr = "grid_id"
	// SpaceAttr is the grid itself, so that a trial says which grid it
	// belongs to.
	SpaceAttr = "search_space"
)

// New returns a sampler over the grid that space defines: parameter name to
// the values it takes (strings, numbers, bools or nil). It fails for an empty
// grid, a parameter with no values, a value that is not a scalar, or a value
// given twice.
func New(space map[string][]any) (*Sampler, error) {
	if len(space) == 0 {
		return nil, fmt.Errorf("grid: empty search space")
	}
	s := &Sampler{size: 1, space: make(map[string][]any, len(space))}
	for name := range space {
		s.names = append(s.names, name)
	}
	slices.Sort(s.names)
	for _, name := range s.names {
		vals := space[name]
		if len(vals) == 0 {
			return nil, fmt.Errorf("grid: parameter %q has no values", name)
		}
		// NewCategorical checks the types and duplicates of the values.
		if _, err := core.NewCategorical(vals...); err != nil {
			return nil, fmt.Errorf("grid: parameter %q: %w", name, err)
		}
		if s.size > 1<<40/len(vals) {
			return nil, fmt.Errorf("grid: more than 2^40 combinations")
		}
		s.size *= len(vals)
		s.values = append(s.values, slices.Clone(vals))
		s.space[name] = slices.Clone(vals)
	}
	b, err := json.Marshal(s.space) // map keys are sorted: a canonical form
	if err != nil {
		return nil, fmt.Errorf("grid: %w", err)
	}
	sum := sha256.Sum256(b)
	s.prefix = "grid:" + hex.EncodeToString(sum[:8]) + ":"
	return s, nil
}

// Size returns the number of combinations.
func (s *Sampler) Size() int { return s.size }

// Point returns combination i, by parameter name.
func (s *Sampler) Point(i int) map[string]any {
	p := make(map[string]any, len(s.names))
	for j := len(s.names) - 1; j >= 0; j-- {
		n := len(s.values[j])
		p[s.names[j]] = s.values[j][i%n]
		i /= n
	}
	return p
}

// Plan implements sampler.Planner: it picks at random one combination that no
// trial of the study has taken yet.
func (s *Sampler) Plan(ctx context.Context, study core.Study, rng *rand.Rand) (sampler.Plan, error) {
	trials, err := study.Trials(ctx)
	if err != nil {
		return sampler.Plan{}, err
	}
	taken := make([]bool, s.size)
	left := s.size
	for i := range trials {
		if id, ok := s.gridID(&trials[i]); ok && !taken[id] {
			taken[id] = true
			left--
		}
	}
	if left == 0 {
		return sampler.Plan{}, sampler.ErrExhausted
	}
	// Choose at random among the free combinations, so that concurrent
	// workers seldom race for the same one.
	k := rng.IntN(left)
	for id, t := range taken {
		if t {
			continue
		}
		if k == 0 {
			return sampler.Plan{
				Key:         s.prefix + strconv.Itoa(id),
				SystemAttrs: map[string]any{GridIDAttr: id, SpaceAttr: s.space},
			}, nil
		}
		k--
	}
	panic("unreachable")
}

// gridID returns the combination that t took in this grid.
func (s *Sampler) gridID(t *core.Trial) (int, bool) {
	key, _ := t.SystemAttrs[core.KeyAttr].(string)
	rest, ok := strings.CutPrefix(key, s.prefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.Atoi(rest)
	if err != nil || id < 0 || id >= s.size {
		return 0, false
	}
	return id, true
}

// SampleIndependent implements sampler.Sampler: it returns the value of
// parameter name in the trial's combination. It fails for a parameter that is
// not in the grid, a value that the distribution does not contain, and a
// trial that the grid did not plan (an enqueued trial must fix every
// parameter).
func (s *Sampler) SampleIndependent(_ context.Context, _ core.Study, t core.Trial, name string, d core.Distribution, _ *rand.Rand) (float64, error) {
	id, ok := s.gridID(&t)
	if !ok {
		return 0, fmt.Errorf("grid: trial %d was not planned by this grid: an enqueued trial must fix every parameter, and %q is not fixed", t.Number, name)
	}
	j, found := slices.BinarySearch(s.names, name)
	if !found {
		return 0, fmt.Errorf("grid: parameter %q is not in the grid (it has %s)", name, strings.Join(s.names, ", "))
	}
	v := s.Point(id)[name]
	x, err := d.ToInternal(v)
	if err == nil && !d.Contains(x) {
		err = fmt.Errorf("%v does not contain it", d)
	}
	if err != nil {
		return 0, fmt.Errorf("grid: value %v of parameter %q: %w", v, s.names[j], err)
	}
	return x, nil
}
