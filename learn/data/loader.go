package data

import (
	"fmt"
	"iter"
	"math/rand/v2"
)

// LoaderConfig sets how a [Loader] cuts a dataset into mini-batches. The
// zero value gives batches of 32 in dataset order, the last one partial.
type LoaderConfig struct {
	BatchSize int  // samples per batch; 0 means 32
	Shuffle   bool // false: dataset order; true: a new random order every epoch
	DropLast  bool // false: the last batch may be smaller; true: it is dropped when partial
}

// Batch is one mini-batch of a [Loader].
//
// A batch is only valid until the loader yields the next one: its slices
// are buffers that the loader reuses, or, in dataset order, sub-slices of
// the dataset itself. Read them, do not modify them, and copy what must
// outlive the step.
type Batch struct {
	X      []float32 // Len() samples, row-major, NumFeatures() each
	Y      []int32   // class indices; nil when the dataset has no Y
	YFloat []float32 // real targets; nil when the dataset has no YFloat
	Index  []int     // the samples' positions in the dataset
}

// Len returns the number of samples in the batch.
func (b Batch) Len() int { return len(b.Index) }

// Loader yields a dataset's samples in mini-batches, epoch after epoch,
// without allocating per batch. A Loader is not safe for concurrent use.
type Loader struct {
	ds    *Dataset
	cfg   LoaderConfig
	rng   *rand.Rand
	dim   int
	order []int
	x     []float32
	y     []int32
	yf    []float32
}

// NewLoader returns a loader of ds. rng draws the order of each epoch when
// cfg.Shuffle is set; seed it (rand.New(rand.NewPCG(seed, 0))) for
// reproducible batches. The loader reads ds when it yields batches, so ds
// must not change while it is in use.
//
// NewLoader panics if cfg.Shuffle is set and rng is nil, if
// cfg.BatchSize is negative, or if ds fails [Dataset.Validate]: these are
// mistakes in the program, not in its input.
func NewLoader(ds *Dataset, cfg LoaderConfig, rng *rand.Rand) *Loader {
	if err := ds.Validate(); err != nil {
		panic(fmt.Sprintf("data.NewLoader: %v", err))
	}
	if cfg.BatchSize < 0 {
		panic(fmt.Sprintf("data.NewLoader: negative BatchSize %d", cfg.BatchSize))
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 32
	}
	if cfg.Shuffle && rng == nil {
		panic("data.NewLoader: Shuffle needs a *rand.Rand")
	}
	n := ds.N()
	l := &Loader{ds: ds, cfg: cfg, rng: rng, dim: ds.NumFeatures(), order: make([]int, n)}
	for i := range l.order {
		l.order[i] = i
	}
	if cfg.Shuffle {
		b := min(cfg.BatchSize, n)
		l.x = make([]float32, b*l.dim)
		if ds.Y != nil {
			l.y = make([]int32, b)
		}
		if ds.YFloat != nil {
			l.yf = make([]float32, b)
		}
	}
	return l
}

// Config returns the loader's configuration, with defaults filled in.
func (l *Loader) Config() LoaderConfig { return l.cfg }

// NumBatches returns how many batches one epoch yields.
func (l *Loader) NumBatches() int {
	n, b := len(l.order), l.cfg.BatchSize
	if l.cfg.DropLast {
		return n / b
	}
	return (n + b - 1) / b
}

// Batches returns one epoch of batches. With Shuffle, each call draws a
// new order from the loader's rng. Each batch is valid until the next one
// is yielded (see [Batch]).
func (l *Loader) Batches() iter.Seq[Batch] {
	return func(yield func(Batch) bool) {
		if l.cfg.Shuffle {
			l.rng.Shuffle(len(l.order), func(i, j int) {
				l.order[i], l.order[j] = l.order[j], l.order[i]
			})
		}
		n, bs, d := len(l.order), l.cfg.BatchSize, l.dim
		for start := 0; start < n; start += bs {
			end := min(start+bs, n)
			if l.cfg.DropLast && end-start < bs {
				return
			}
			b := Batch{Index: l.order[start:end:end]}
			if !l.cfg.Shuffle {
				b.X = l.ds.X[start*d : end*d : end*d]
				if l.ds.Y != nil {
					b.Y = l.ds.Y[start:end:end]
				}
				if l.ds.YFloat != nil {
					b.YFloat = l.ds.YFloat[start:end:end]
				}
			} else {
				k := end - start
				b.X = l.x[: k*d : k*d]
				for j, i := range b.Index {
					copy(b.X[j*d:(j+1)*d], l.ds.X[i*d:(i+1)*d])
				}
				if l.y != nil {
					b.Y = l.y[:k:k]
					for j, i := range b.Index {
						b.Y[j] = l.ds.Y[i]
					}
				}
				if l.yf != nil {
					b.YFloat = l.yf[:k:k]
					for j, i := range b.Index {
						b.YFloat[j] = l.ds.YFloat[i]
					}
				}
			}
			if !yield(b) {
				return
			}
		}
	}
}
