package grid_test

import (
	"fmt"

	"github.com/go-tune/tune/sampler/grid"
)

func ExampleSampler_Point() {
	g, _ := grid.New(map[string][]any{"lr": {0.1, 0.01}, "act": {"relu", "tanh"}})
	for i := range g.Size() {
		fmt.Println(i, g.Point(i))
	}
	// Output:
	// 0 map[act:relu lr:0.1]
	// 1 map[act:relu lr:0.01]
	// 2 map[act:tanh lr:0.1]
	// 3 map[act:tanh lr:0.01]
}
