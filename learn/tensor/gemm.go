package tensor

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Gemm computes C = alpha op(A) op(B) + beta C for row-major matrices:
// op(A) is m x k (A itself, or its transpose if transA, stored k x m),
// op(B) is k x n (B, or its transpose if transB, stored n x k), C is m x n;
// lda, ldb and ldc are the row strides. beta 0 overwrites C (NaNs in C do
// not propagate). It uses up to workers goroutines (0 or 1: the calling
// one only).
//
// Gemm packs panels of A and B into buffers it reuses across calls and
// multiplies them with the fastest micro-kernel the CPU runs (AVX-512 or
// AVX2 with FMA on amd64, else portable Go), the GotoBLAS scheme of Goto
// and van de Geijn, "Anatomy of high-performance matrix multiplication",
// ACM TOMS 34(3), 2008. It panics if a dimension is negative, a stride is
// smaller than its row, or a slice is too short for its matrix.
func Gemm(workers int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(bestKernel, workers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmKernel names the micro-kernel that Gemm uses: "avx512", "avx2" or
// "go".
func GemmKernel() string { return bestKernel.name }

// bestKernel is the micro-kernel Gemm uses, chosen once at start-up.
var bestKernel = kernels()[0]

// minParallelFlops is the work (2mnk) below which Gemm runs on the calling
// goroutine only. Starting a goroutine on an idle core takes tens of
// microseconds (the core must wake), so below this the calling goroutine
// would be done before a helper began.
const minParallelFlops = 4 << 20

// Parallel products are cut into about tasksPerWorker tasks per worker,
// each of at least minTaskFlops, which the goroutines take in turn: a
// helper that starts late then takes fewer of them instead of holding up
// the caller with an equal share.
const (
	tasksPerWorker = 4
	minTaskFlops   = 1 << 20
)

func gemm(kn *microKernel, workers int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmPacked(kn, nil, workers, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// packing says which operands gemmSerial packs; a nil *packing lets it
// choose (choosePacking).
type packing struct{ a, b bool }

// choosePacking decides which operands to copy into micro-panels rather
// than read where they lie, through their strides. Packing costs about a
// cycle per value and pays where the value is reused often: a value of A
// serves n products, one of B m products, and a packed panel is
// contiguous, which keeps large strides from thrashing the L1 sets.
// Measured on AMD Zen 5 (the CNN shapes and squares up to 1024):
//   - B must be packed when transposed (a row of op(B) is then not
//     contiguous); otherwise packing pays from m = 256 rows of A.
//   - A transposed (a column of op(A) at a stride of lda per step of k)
//     is packed from n = 256; A not transposed (12 rows read side by side)
//     never is, but for its edge panel: reading in place was as fast or
//     faster on every shape.
func choosePacking(transA, transB bool, m, n int) packing {
	const minReuse = 256
	return packing{
		a: transA && n >= minReuse,
		b: transB || m >= minReuse,
	}
}

func gemmPacked(kn *microKernel, pk *packing, workers int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkGemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleMatrix(beta, m, n, c, ldc)
		return
	}
	wm, wn := gemmSplit(kn, workers, m, n, k)
	if wm*wn == 1 {
		gemmSerial(kn, pk, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemmParallel(kn, pk, workers, wm, wn, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmParallel cuts C into wm x wn tasks and computes them on up to
// workers goroutines, the calling one and workers-1 new ones, each taking
// the next task until none is left.
func gemmParallel(kn *microKernel, pk *packing, workers, wm, wn int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	tasks := wm * wn
	var next atomic.Int64
	run := func() {
		for {
			t := int(next.Add(1)) - 1
			if t >= tasks {
				return
			}
			i0, i1 := chunk(m, kn.mr, wm, t/wn)
			j0, j1 := chunk(n, kn.nr, wn, t%wn)
			if i0 == i1 || j0 == j1 {
				continue
			}
			as, bs := a[i0:], b[j0:]
			if !transA {
				as = a[i0*lda:]
			}
			if transB {
				bs = b[j0*ldb:]
			}
			gemmSerial(kn, pk, transA, transB, i1-i0, j1-j0, k, alpha, as, lda, bs, ldb, beta, c[i0*ldc+j0:], ldc)
		}
	}
	var wg sync.WaitGroup
	for range min(workers, tasks) - 1 {
		wg.Go(run)
	}
	run()
	wg.Wait()
}

// gemmSplit chooses how many parts to cut the rows (wm) and the columns
// (wn) of C into for workers goroutines. Each part packs its own copy of
// the B columns (or A rows) it shares with the parts beside it, so the
// split first weighs that extra packing against the balance of the
// multiply for wm wn <= workers, then cuts the longer side finer into
// tasks (see tasksPerWorker).
func gemmSplit(kn *microKernel, workers, m, n, k int) (wm, wn int) {
	flops := 2 * m * n * k
	if workers <= 1 || flops < minParallelFlops {
		return 1, 1
	}
	const packCost = 8 // one packed value against one FMA lane
	pm, pn := ceilDiv(m, kn.mr), ceilDiv(n, kn.nr)
	best := -1
	wm, wn = 1, 1
	for tm := 1; tm <= min(workers, pm); tm++ {
		tn := min(workers/tm, pn)
		rows, cols := ceilDiv(pm, tm)*kn.mr, ceilDiv(pn, tn)*kn.nr
		cost := rows*cols + packCost*(rows+cols) // times k
		if best < 0 || cost < best {
			best, wm, wn = cost, tm, tn
		}
	}
	if wm*wn == 1 {
		return 1, 1
	}
	if pm/wm >= pn/wn {
		wm = max(wm, min(wm*tasksPerWorker, pm, flops/minTaskFlops/wn))
	} else {
		wn = max(wn, min(wn*tasksPerWorker, pn, flops/minTaskFlops/wm))
	}
	return wm, wn
}

// chunk returns part t of [0, n) cut into parts pieces of whole units
// (the last unit may be short), as even as the units allow.
func chunk(n, unit, parts, t int) (lo, hi int) {
	units := ceilDiv(n, unit)
	lo = min(t*units/parts*unit, n)
	hi = min((t+1)*units/parts*unit, n)
	return lo, hi
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// blockSize cuts total into the fewest blocks of at most limit and returns
// their common size, rounded up to a multiple of unit.
func blockSize(total, limit, unit int) int {
	blocks := ceilDiv(total, limit)
	return ceilDiv(ceilDiv(total, blocks), unit) * unit
}

// l2Floats is the part of a core's L2 cache that a block of B may fill
// when it is reread for every micro-panel of A: 512 KiB.
const l2Floats = 128 << 10

// gemmWork holds the packing buffers of one goroutine's product: blocks of
// A and B, single edge panels of each, and an edge tile of C.
type gemmWork struct {
	a, b, aEdge, bEdge, tile []float32
}

// gemmWorkPool keeps gemmWork buffers between calls, so that Gemm does not
// allocate once warm.
var gemmWorkPool = sync.Pool{New: func() any { return new(gemmWork) }}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// gemmSerial is Gemm on the calling goroutine, for k > 0 and alpha != 0.
// Loops, outer to inner: columns of C by nc, depth by kc, rows by mc, then
// micro-panels of B and A. With A packed (mc x kc, kept in L2) the B
// micro-panel is the outer of the last two loops and stays in L1; with A
// read in place its micro-panel is the outer one, reused from L1 across
// the block of B (kc x nc, kept in L2).
func gemmSerial(kn *microKernel, pk *packing, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	// Each task of a parallel product chooses for its own part: a part
	// too short to amortize packing reads in place.
	plan := choosePacking(transA, transB, m, n)
	if pk != nil {
		plan = *pk
		plan.b = plan.b || transB
	}
	mr, nr := kn.mr, kn.nr
	kc := blockSize(k, kn.kc, 1)
	mc := blockSize(m, kn.mc, mr)
	ncMax := kn.nc
	if !plan.a {
		// The block of B is reread from L2 for every micro-panel of A.
		ncMax = max(nr, l2Floats/kc/nr*nr)
	}
	nc := blockSize(n, ncMax, nr)
	w := gemmWorkPool.Get().(*gemmWork)
	if plan.a {
		w.a = grow(w.a, mc*kc)
	}
	if plan.b {
		w.b = grow(w.b, nc*kc)
	}
	w.aEdge = grow(w.aEdge, mr*kc)
	w.bEdge = grow(w.bEdge, kc*nr)
	w.tile = grow(w.tile, mr*nr)

	// aPanel returns micro-panel ir of the current block of A, at rows
	// ic+ir and depth pc, and its strides; bPanel micro-panel jr of the
	// block of B. A short edge panel is packed, into aEdge or bEdge,
	// unless reading a whole panel in place stays inside the slice: the
	// rows (or columns) past the edge then only feed parts of the tile
	// that microTile drops.
	var ic, mb, pc, kb, jc, nb int
	var aEdgePacked, bEdgePacked bool
	aPanel := func(ir int) ([]float32, int, int) {
		switch {
		case plan.a:
			return w.a[ir*kb:], 1, mr
		case ir+mr > mb && aEdgePacked:
			return w.aEdge, 1, mr
		case transA:
			return a[pc*lda+ic+ir:], 1, lda
		}
		return a[(ic+ir)*lda+pc:], lda, 1
	}
	bPanel := func(jr int) ([]float32, int) {
		switch {
		case plan.b:
			return w.b[jr*kb:], nr
		case jr+nr > nb && bEdgePacked:
			return w.bEdge, nr
		}
		return b[pc*ldb+jc+jr:], ldb
	}
	for jc = 0; jc < n; jc += nc {
		nb = min(nc, n-jc)
		for pc = 0; pc < k; pc += kc {
			kb = min(kc, k-pc)
			bet := beta
			if pc > 0 {
				bet = 1
			}
			if plan.b {
				packB(nr, transB, kb, nb, b, ldb, pc, jc, w.b)
			} else if edge := nb % nr; edge != 0 {
				s, cs := bPanel(nb - edge)
				if bEdgePacked = (kb-1)*cs+nr > len(s); bEdgePacked {
					packB(nr, transB, kb, edge, b, ldb, pc, jc+nb-edge, w.bEdge)
				}
			}
			for ic = 0; ic < m; ic += mc {
				mb = min(mc, m-ic)
				if plan.a {
					packA(mr, transA, mb, kb, a, lda, ic, pc, w.a)
				} else if edge := mb % mr; edge != 0 {
					aEdgePacked = false
					s, rs, cs := aPanel(mb - edge)
					if aEdgePacked = (mr-1)*rs+(kb-1)*cs >= len(s); aEdgePacked {
						packA(mr, transA, edge, kb, a, lda, ic+mb-edge, pc, w.aEdge)
					}
				}
				cb := c[ic*ldc+jc:]
				if plan.a {
					for jr := 0; jr < nb; jr += nr {
						bp, csb := bPanel(jr)
						for ir := 0; ir < mb; ir += mr {
							ap, rsa, csa := aPanel(ir)
							microTile(kn, min(mr, mb-ir), min(nr, nb-jr), kb, ap, rsa, csa, bp, csb, cb[ir*ldc+jr:], ldc, alpha, bet, w.tile)
						}
					}
					continue
				}
				for ir := 0; ir < mb; ir += mr {
					ap, rsa, csa := aPanel(ir)
					for jr := 0; jr < nb; jr += nr {
						bp, csb := bPanel(jr)
						microTile(kn, min(mr, mb-ir), min(nr, nb-jr), kb, ap, rsa, csa, bp, csb, cb[ir*ldc+jr:], ldc, alpha, bet, w.tile)
					}
				}
			}
		}
	}
	gemmWorkPool.Put(w)
}

// microTile computes the rows x cols tile at c with the micro-kernel,
// through tile when it is smaller than the kernel's.
func microTile(kn *microKernel, rows, cols, kb int, ap []float32, rsa, csa int, bp []float32, csb int, c []float32, ldc int, alpha, beta float32, tile []float32) {
	if rows == kn.mr && cols == kn.nr {
		kn.fn(kb, ap, rsa, csa, bp, csb, c, ldc, alpha, beta)
		return
	}
	nr := kn.nr
	kn.fn(kb, ap, rsa, csa, bp, csb, tile, nr, alpha, 0)
	for i := range rows {
		dst, src := c[i*ldc:i*ldc+cols], tile[i*nr:i*nr+cols]
		if beta == 0 {
			copy(dst, src)
			continue
		}
		for j, v := range src {
			dst[j] = v + beta*dst[j]
		}
	}
}

// packA packs rows [i0, i0+mb) and columns [p0, p0+kb) of op(A) into dst
// as micro-panels of mr rows, each stored column by column (mr values per
// column), the last one padded with zeros.
func packA(mr int, transA bool, mb, kb int, a []float32, lda, i0, p0 int, dst []float32) {
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		d := dst[ir*kb : (ir+mr)*kb]
		if transA {
			// op(A)[i][p] is a[p*lda+i]: each column of the panel is a
			// run of A's row p.
			copyRuns(d, mr, a[p0*lda+i0+ir:], lda, kb, rows)
			continue
		}
		transposeRuns(d, mr, a[(i0+ir)*lda+p0:], lda, rows, kb)
	}
}

// packB packs rows [p0, p0+kb) and columns [j0, j0+nb) of op(B) into dst
// as micro-panels of nr columns, each stored row by row (nr values per
// row), the last one padded with zeros.
func packB(nr int, transB bool, kb, nb int, b []float32, ldb, p0, j0 int, dst []float32) {
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		d := dst[jr*kb : (jr+nr)*kb]
		if !transB {
			copyRuns(d, nr, b[p0*ldb+j0+jr:], ldb, kb, cols)
			continue
		}
		// op(B)[p][j] is b[j*ldb+p]: each column of the panel is a run of
		// B's row j.
		transposeRuns(d, nr, b[(j0+jr)*ldb+p0:], ldb, cols, kb)
	}
}

// copyRuns copies runs of width values, run r from src[r*ld:], to
// dst[r*w:], for r < runs, and zeros the w-width values after each.
func copyRuns(dst []float32, w int, src []float32, ld, runs, width int) {
	if width == w {
		switch w {
		case 32:
			for r := range runs {
				*(*[32]float32)(dst[r*32:]) = *(*[32]float32)(src[r*ld:])
			}
			return
		case 16:
			for r := range runs {
				*(*[16]float32)(dst[r*16:]) = *(*[16]float32)(src[r*ld:])
			}
			return
		case 12:
			for r := range runs {
				*(*[12]float32)(dst[r*12:]) = *(*[12]float32)(src[r*ld:])
			}
			return
		case 6:
			for r := range runs {
				*(*[6]float32)(dst[r*6:]) = *(*[6]float32)(src[r*ld:])
			}
			return
		case 4:
			for r := range runs {
				*(*[4]float32)(dst[r*4:]) = *(*[4]float32)(src[r*ld:])
			}
			return
		}
	}
	for r := range runs {
		d, s := dst[r*w:r*w+w], src[r*ld:r*ld+width]
		for i, v := range s {
			d[i] = v
		}
		clear(d[width:])
	}
}

// transposeRuns stores lines runs of src, run i of n values at src[i*ld:],
// as the columns of dst, dst[p*w+i] = src[i*ld+p] for p < n, and zeros
// columns lines to w.
func transposeRuns(dst []float32, w int, src []float32, ld, lines, n int) {
	dst = dst[:n*w]
	i := 0
	for ; i+8 <= lines; i += 8 {
		done := 0
		if transpose8(dst[i:], w, src[i*ld:], ld, n/8) {
			done = n / 8 * 8
		}
		for p := done; p < n; p++ {
			d := dst[p*w+i : p*w+i+8 : p*w+i+8]
			for r := range d {
				d[r] = src[(i+r)*ld+p]
			}
		}
	}
	for ; i+4 <= lines; i += 4 {
		r0 := src[i*ld : i*ld+n]
		r1 := src[(i+1)*ld : (i+1)*ld+n]
		r2 := src[(i+2)*ld : (i+2)*ld+n]
		r3 := src[(i+3)*ld : (i+3)*ld+n]
		for p := range r0 {
			d := dst[p*w+i : p*w+i+4 : p*w+i+4]
			d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
		}
	}
	for ; i < lines; i++ {
		for p, v := range src[i*ld : i*ld+n] {
			dst[p*w+i] = v
		}
	}
	if lines < w {
		for p := range n {
			clear(dst[p*w+lines : p*w+w])
		}
	}
}

// scaleMatrix sets C = beta C (C = 0 if beta == 0).
func scaleMatrix(beta float32, m, n int, c []float32, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row)
		case 1:
		default:
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// checkGemm panics unless the arguments of Gemm describe valid matrices.
func checkGemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("tensor: Gemm with negative dimension m=%d n=%d k=%d", m, n, k))
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMatrix("A", ar, ac, a, lda)
	checkMatrix("B", br, bc, b, ldb)
	checkMatrix("C", m, n, c, ldc)
}

func checkMatrix(name string, rows, cols int, s []float32, ld int) {
	if rows == 0 || cols == 0 {
		return
	}
	if ld < cols {
		panic(fmt.Sprintf("tensor: Gemm: %s has %d columns but row stride %d", name, cols, ld))
	}
	if need := (rows-1)*ld + cols; len(s) < need {
		panic(fmt.Sprintf("tensor: Gemm: %s (%d x %d, stride %d) needs %d values, has %d", name, rows, cols, ld, need, len(s)))
	}
}

// gemmRef is the plain triple loop, the reference that the fast paths are
// tested against.
func gemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
		for p := range k {
			var aip float32
			if transA {
				aip = a[p*lda+i]
			} else {
				aip = a[i*lda+p]
			}
			aip *= alpha
			if aip == 0 {
				continue
			}
			if transB {
				for j := range n {
					row[j] += aip * b[j*ldb+p]
				}
			} else {
				brow := b[p*ldb : p*ldb+n]
				for j, bv := range brow {
					row[j] += aip * bv
				}
			}
		}
	}
}

// PeakGFLOPS measures one core's peak single-precision throughput with the
// registers of the kernel that Gemm uses: the best of several timed runs of
// independent fused multiply-adds, about 50 ms in all. It returns 0 for the
// portable kernel, which has no such loop. Benchmarks compare Gemm's
// GFLOP/s with it.
func PeakGFLOPS() float64 {
	if bestKernel.peak == nil {
		return 0
	}
	const trips = 1 << 16
	best := time.Duration(math.MaxInt64)
	for range 50 {
		start := time.Now()
		bestKernel.peak(trips)
		best = min(best, time.Since(start))
	}
	return float64(bestKernel.peakFlops) * trips / best.Seconds() / 1e9
}
