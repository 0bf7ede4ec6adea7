package tensor

import (
	"sync"
	"sync/atomic"
)

// minParallelFloats is the size (values read or written) below which the
// data-movement kernels (Im2col, Col2im, MaxPool...) run on the calling
// goroutine only: a helper goroutine takes tens of microseconds to start
// on an idle core, about the time the whole job takes.
const minParallelFloats = 1 << 18

// parallelFor calls body(lo, hi) on consecutive ranges covering [0, n),
// about tasksPerWorker per worker, on up to workers goroutines (the
// calling one among them), each taking the next range until none is
// left. It runs body(0, n) on the calling goroutine if workers <= 1.
func parallelFor(workers, n int, body func(lo, hi int)) {
	tasks := min(n, workers*tasksPerWorker)
	if workers <= 1 || tasks <= 1 {
		if n > 0 {
			body(0, n)
		}
		return
	}
	var next atomic.Int64
	run := func() {
		for {
			t := int(next.Add(1)) - 1
			if t >= tasks {
				return
			}
			body(t*n/tasks, (t+1)*n/tasks)
		}
	}
	var wg sync.WaitGroup
	for range min(workers, tasks) - 1 {
		wg.Go(run)
	}
	run()
	wg.Wait()
}
