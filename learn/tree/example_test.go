package tree_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/tree"
)

func Example() {
	iris := data.Iris()
	c := tree.NewClassifier(tree.Config{MaxDepth: 2, Seed: 1})
	if err := c.Fit(context.Background(), iris); err != nil {
		panic(err)
	}
	p, _ := c.PredictProba(&data.Dataset{X: []float32{6.3, 3.3, 6.0, 2.5}, Shape: []int{4}})
	fmt.Printf("depth %d, %d leaves\n", c.Depth(), c.NumLeaves())
	fmt.Printf("a flower with petals 6.0 x 2.5 cm: %s %.2f\n", iris.Classes[2], p[2])
	// Output:
	// depth 2, 3 leaves
	// a flower with petals 6.0 x 2.5 cm: virginica 0.98
}
