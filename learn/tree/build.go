package tree

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"slices"
)

// node is one node of a fitted tree. A leaf has feature -1.
type node struct {
	feature     int32
	threshold   float32
	left, right int32
	impurity    float64
	weight      float64 // weighted number of training samples
	samples     int32   // number of (distinct) training samples
}

// model is what a fit leaves: the nodes, each node's value (k class
// probabilities or, for regression, one mean), and the impurity decrease
// each feature brought.
type model struct {
	nodes      []node
	values     []float64 // stride values per node
	stride     int
	importance []float64 // unnormalised: Σ weighted impurity decreases
	depth      int
	leaves     int
}

// target is what the builder learns: class indices with k classes, or real
// values (k == 0).
type target struct {
	y  []int32
	yf []float64
	k  int
}

// stats is the width of a node's sufficient statistics: the weight of each
// class, or (weight, Σwy, Σwy²) for regression.
func (t target) stats() int {
	if t.k > 0 {
		return t.k
	}
	return 3
}

// builder grows one tree; its buffers are reused from node to node.
type builder struct {
	cfg    Config
	crit   Criterion
	b      *Binned
	t      target
	w      []float64 // per-sample weight; 0 leaves the sample out
	rng    *rand.Rand
	mtry   int
	s      int // stats width
	totalW float64

	samples []int32   // the samples of the tree, partitioned by node
	hist    []float64 // per-bin stats of the feature being scanned
	hcount  []int32   // per-bin sample counts
	keys    []uint64  // sort path: code<<32 | position
	gcode   []uint16  // non-empty bins, in order
	gstat   []float64 // their stats
	gcount  []int32   // their counts
	left    []float64
	stats   []float64 // the stats of the nodes waiting to grow, s values each
	free    []int     // offsets in stats free for reuse
	feats   []int
	scratch []float64

	m model
}

// split is the best split found for a node.
type split struct {
	feature   int
	bin       uint16 // samples with code <= bin go left
	threshold float32
	score     float64 // weighted child impurity, wL·iL + wR·iR: lower is better
	impL      float64
	impR      float64
	found     bool
}

// grow fits a tree to the samples with positive weight.
func grow(cfg Config, b *Binned, t target, w []float64, rng *rand.Rand) model {
	bd := &builder{cfg: cfg, crit: cfg.Criterion, b: b, t: t, w: w, rng: rng, s: t.stats()}
	bd.mtry = cfg.MaxFeatures.Count(b.d)
	bd.samples = make([]int32, 0, b.n)
	for i, wi := range w {
		if wi > 0 {
			bd.samples = append(bd.samples, int32(i))
			bd.totalW += wi
		}
	}
	bd.m = model{stride: max(t.k, 1), importance: make([]float64, b.d)}
	bd.feats = make([]int, b.d)
	for i := range bd.feats {
		bd.feats[i] = i
	}
	bd.left = make([]float64, bd.s)
	bd.scratch = make([]float64, bd.s)
	if cfg.MaxLeafNodes > 0 {
		bd.bestFirst()
	} else {
		bd.depthFirst()
	}
	return bd.m
}

// nodeStats sums the stats of samples[lo:hi] into out.
func (bd *builder) nodeStats(lo, hi int, out []float64) {
	clear(out)
	for _, i := range bd.samples[lo:hi] {
		wi := bd.w[i]
		if bd.t.k > 0 {
			out[bd.t.y[i]] += wi
		} else {
			y := bd.t.yf[i]
			out[0] += wi
			out[1] += wi * y
			out[2] += wi * y * y
		}
	}
}

func (bd *builder) weight(st []float64) float64 {
	if bd.t.k == 0 {
		return st[0]
	}
	var w float64
	for _, v := range st {
		w += v
	}
	return w
}

// impurity of stats st with total weight w.
func (bd *builder) impurity(st []float64, w float64) float64 {
	if w <= 0 {
		return 0
	}
	switch bd.crit {
	case Gini:
		var s float64
		for _, v := range st {
			s += v * v
		}
		return 1 - s/(w*w)
	case Entropy:
		var e float64
		for _, v := range st {
			if v > 0 {
				p := v / w
				e -= p * math.Log2(p)
			}
		}
		return e
	}
	mean := st[1] / w
	return max(st[2]/w-mean*mean, 0)
}

// leafValue appends the value of a leaf (or any node) with stats st.
func (bd *builder) nodeValue(st []float64, w float64) {
	if bd.t.k > 0 {
		for _, v := range st {
			bd.m.values = append(bd.m.values, v/w)
		}
		return
	}
	bd.m.values = append(bd.m.values, st[1]/w)
}

// frame is a node waiting to be grown.
type frame struct {
	lo, hi, depth int
	parent        int32 // the parent's node index; -1 for the root
	isLeft        bool
	id            int32 // the node's own index, once added
	impurity      float64
	st            int // offset of the node's stats in builder.stats
	w             float64
	// best-first growth: the node's best split, found when it was queued.
	sp   split
	gain float64
}

const epsilon = 1e-7 // scikit-learn's EPSILON for "pure" nodes and gains

// alloc returns the offset of s free values in bd.stats.
func (bd *builder) alloc() int {
	if n := len(bd.free); n > 0 {
		off := bd.free[n-1]
		bd.free = bd.free[:n-1]
		return off
	}
	off := len(bd.stats)
	bd.stats = append(bd.stats, make([]float64, bd.s)...)
	return off
}

// release frees a frame's stats once the frame is done.
func (bd *builder) release(fr *frame) { bd.free = append(bd.free, fr.st) }

func (bd *builder) st(fr *frame) []float64 { return bd.stats[fr.st : fr.st+bd.s] }

func (bd *builder) rootFrame() frame {
	fr := frame{lo: 0, hi: len(bd.samples), parent: -1, st: bd.alloc()}
	st := bd.st(&fr)
	bd.nodeStats(0, len(bd.samples), st)
	fr.w = bd.weight(st)
	fr.impurity = bd.impurity(st, fr.w)
	return fr
}

// addNode appends the node of frame fr, links it to its parent and
// returns its index.
func (bd *builder) addNode(fr *frame) int32 {
	id := int32(len(bd.m.nodes))
	bd.m.nodes = append(bd.m.nodes, node{feature: -1, left: -1, right: -1, impurity: fr.impurity, weight: fr.w, samples: int32(fr.hi - fr.lo)})
	bd.nodeValue(bd.st(fr), fr.w)
	if fr.parent >= 0 {
		if fr.isLeft {
			bd.m.nodes[fr.parent].left = id
		} else {
			bd.m.nodes[fr.parent].right = id
		}
	}
	bd.m.depth = max(bd.m.depth, fr.depth)
	return id
}

// splittable applies the stopping rules that do not need a split.
func (bd *builder) splittable(fr *frame) bool {
	n := fr.hi - fr.lo
	return (bd.cfg.MaxDepth == 0 || fr.depth < bd.cfg.MaxDepth) &&
		n >= bd.cfg.MinSamplesSplit && n >= 2*bd.cfg.MinSamplesLeaf &&
		fr.impurity > epsilon
}

// trySplit finds fr's best split and checks the impurity decrease.
func (bd *builder) trySplit(fr *frame) (split, float64, bool) {
	if !bd.splittable(fr) {
		return split{}, 0, false
	}
	sp := bd.bestSplit(fr)
	if !sp.found {
		return sp, 0, false
	}
	gain := (fr.w*fr.impurity - sp.score) / bd.totalW
	if gain+epsilon < bd.cfg.MinImpurityDecrease {
		return sp, 0, false
	}
	return sp, gain, true
}

// apply partitions fr's samples by sp, records the split on node id, and
// returns the two children's frames.
func (bd *builder) apply(fr *frame, id int32, sp split) (l, r frame) {
	codes := bd.b.codes[sp.feature]
	s := bd.samples[fr.lo:fr.hi]
	i, j := 0, len(s)-1
	for i <= j {
		if codes[s[i]] <= sp.bin {
			i++
		} else {
			s[i], s[j] = s[j], s[i]
			j--
		}
	}
	mid := fr.lo + i
	nd := &bd.m.nodes[id]
	nd.feature, nd.threshold = int32(sp.feature), sp.threshold
	l = frame{lo: fr.lo, hi: mid, depth: fr.depth + 1, parent: id, isLeft: true, st: bd.alloc(), impurity: sp.impL}
	r = frame{lo: mid, hi: fr.hi, depth: fr.depth + 1, parent: id, st: bd.alloc(), impurity: sp.impR}
	pst, lst, rst := bd.st(fr), bd.st(&l), bd.st(&r)
	bd.nodeStats(fr.lo, mid, lst)
	for k := range rst {
		rst[k] = pst[k] - lst[k]
	}
	l.w, r.w = bd.weight(lst), bd.weight(rst)
	bd.m.importance[sp.feature] += fr.w*fr.impurity - l.w*sp.impL - r.w*sp.impR
	bd.release(fr)
	return l, r
}

func (bd *builder) depthFirst() {
	stack := []frame{bd.rootFrame()}
	for len(stack) > 0 {
		fr := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		id := bd.addNode(&fr)
		sp, _, ok := bd.trySplit(&fr)
		if !ok {
			bd.m.leaves++
			bd.release(&fr)
			continue
		}
		l, r := bd.apply(&fr, id, sp)
		stack = append(stack, r, l) // the left child is grown first
	}
}

// frontier orders the nodes of best-first growth by impurity decrease.
type frontier []frame

func (f frontier) Len() int           { return len(f) }
func (f frontier) Less(i, j int) bool { return f[i].gain > f[j].gain }
func (f frontier) Swap(i, j int)      { f[i], f[j] = f[j], f[i] }
func (f *frontier) Push(x any)        { *f = append(*f, x.(frame)) }
func (f *frontier) Pop() any {
	old := *f
	x := old[len(old)-1]
	*f = old[:len(old)-1]
	return x
}

// bestFirst grows the split with the largest impurity decrease next, until
// MaxLeafNodes leaves, as scikit-learn's BestFirstTreeBuilder.
func (bd *builder) bestFirst() {
	var q frontier
	push := func(fr frame) {
		id := bd.addNode(&fr)
		sp, gain, ok := bd.trySplit(&fr)
		if !ok {
			bd.m.leaves++
			bd.release(&fr)
			return
		}
		fr.sp, fr.gain, fr.id = sp, gain, id
		heap.Push(&q, fr)
	}
	push(bd.rootFrame())
	for q.Len() > 0 {
		fr := heap.Pop(&q).(frame)
		if bd.m.leaves+q.Len()+1 >= bd.cfg.MaxLeafNodes {
			// Splitting would exceed the budget: this and every queued
			// node stay leaves.
			bd.m.leaves += q.Len() + 1
			break
		}
		l, r := bd.apply(&fr, fr.id, fr.sp)
		push(l)
		push(r)
	}
}

// bestSplit searches mtry features drawn at random (constant features do
// not count towards mtry, as in scikit-learn) for the split of fr with the
// lowest weighted child impurity.
func (bd *builder) bestSplit(fr *frame) split {
	best := split{score: math.Inf(1)}
	visited := 0
	d := len(bd.feats)
	for drawn := 0; drawn < d && visited < bd.mtry; drawn++ {
		j := drawn + bd.rng.IntN(d-drawn)
		bd.feats[drawn], bd.feats[j] = bd.feats[j], bd.feats[drawn]
		f := bd.feats[drawn]
		if bd.gather(fr, f) <= 1 {
			continue // constant in this node
		}
		visited++
		bd.scan(fr, f, &best)
	}
	return best
}

// gather collects the non-empty bins of feature f in fr, in order, with
// their stats and counts, into gcode, gstat and gcount; it returns their
// number. Large nodes fill a histogram over the node's code range; small
// ones sort their codes.
func (bd *builder) gather(fr *frame, f int) int {
	codes := bd.b.codes[f]
	s := bd.samples[fr.lo:fr.hi]
	lo, hi := uint16(math.MaxUint16), uint16(0)
	for _, i := range s {
		c := codes[i]
		lo, hi = min(lo, c), max(hi, c)
	}
	if lo == hi {
		return 1
	}
	bd.gcode, bd.gstat, bd.gcount = bd.gcode[:0], bd.gstat[:0], bd.gcount[:0]
	span := int(hi-lo) + 1
	k := bd.s
	if span <= 4*len(s) {
		if cap(bd.hist) < span*k {
			bd.hist = make([]float64, span*k)
			bd.hcount = make([]int32, span)
		}
		hist, hcount := bd.hist[:span*k], bd.hcount[:span]
		clear(hist)
		clear(hcount)
		if bd.t.k > 0 {
			for _, i := range s {
				c := int(codes[i] - lo)
				hist[c*k+int(bd.t.y[i])] += bd.w[i]
				hcount[c]++
			}
		} else {
			for _, i := range s {
				c := int(codes[i] - lo)
				wi, y := bd.w[i], bd.t.yf[i]
				h := hist[c*3 : c*3+3]
				h[0] += wi
				h[1] += wi * y
				h[2] += wi * y * y
			}
			for _, i := range s {
				hcount[int(codes[i]-lo)]++
			}
		}
		for c := range span {
			if hcount[c] > 0 {
				bd.gcode = append(bd.gcode, lo+uint16(c))
				bd.gstat = append(bd.gstat, hist[c*k:(c+1)*k]...)
				bd.gcount = append(bd.gcount, hcount[c])
			}
		}
		return len(bd.gcode)
	}
	keys := bd.keys[:0]
	for p, i := range s {
		keys = append(keys, uint64(codes[i])<<32|uint64(p))
	}
	slices.Sort(keys)
	bd.keys = keys
	prev := -1
	for _, key := range keys {
		c := int(key >> 32)
		i := s[uint32(key)]
		if c != prev {
			bd.gcode = append(bd.gcode, uint16(c))
			n := len(bd.gstat)
			bd.gstat = slices.Grow(bd.gstat, k)[:n+k]
			clear(bd.gstat[n:])
			bd.gcount = append(bd.gcount, 0)
			prev = c
		}
		g := len(bd.gcode) - 1
		st := bd.gstat[g*k : (g+1)*k]
		wi := bd.w[i]
		if bd.t.k > 0 {
			st[bd.t.y[i]] += wi
		} else {
			y := bd.t.yf[i]
			st[0] += wi
			st[1] += wi * y
			st[2] += wi * y * y
		}
		bd.gcount[g]++
	}
	return len(bd.gcode)
}

// scan evaluates every boundary between consecutive non-empty bins of
// feature f gathered for fr and keeps the best in best.
func (bd *builder) scan(fr *frame, f int, best *split) {
	k := bd.s
	left, right := bd.left, bd.scratch
	pst := bd.st(fr)
	clear(left)
	nl := int32(0)
	n := int32(fr.hi - fr.lo)
	minLeaf := int32(bd.cfg.MinSamplesLeaf)
	g := len(bd.gcode)
	for gi := 0; gi < g-1; gi++ {
		st := bd.gstat[gi*k : (gi+1)*k]
		for c := range k {
			left[c] += st[c]
		}
		nl += bd.gcount[gi]
		if nl < minLeaf {
			continue
		}
		if n-nl < minLeaf {
			break
		}
		for c := range k {
			right[c] = pst[c] - left[c]
		}
		wl := bd.weight(left)
		wr := fr.w - wl
		il, ir := bd.impurity(left, wl), bd.impurity(right, wr)
		score := wl*il + wr*ir
		if score < best.score {
			*best = split{
				feature: f, bin: bd.gcode[gi], score: score, impL: il, impR: ir, found: true,
				threshold: threshold(bd.b.upper[f][bd.gcode[gi]], bd.b.lower[f][bd.gcode[gi+1]]),
			}
		}
	}
}
