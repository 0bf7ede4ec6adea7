package modelsel_test

import (
	"context"
	"fmt"
	"os"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/modelsel"
	"github.com/go-tune/tune/learn/tree"
)

// A grid search over a decision tree's depth and leaf size on iris, with
// scikit-learn's verbose line per candidate.
func ExampleGridSearch() {
	res, err := modelsel.GridSearch{
		Estimator: modelsel.FromConfig(tree.Config{Seed: 1}, tree.NewClassifier),
		Grids:     []modelsel.Grid{{"max_depth": {1, 2, 3}, "min_samples_leaf": {1, 10}}},
		SearchConfig: modelsel.SearchConfig{
			Verbose: 1,
			Log:     os.Stdout,
		},
	}.Fit(context.Background(), data.Iris())
	if err != nil {
		panic(err)
	}
	fmt.Printf("Best: %.4f using %s\n", res.BestScore, res.BestParams)
	// Output:
	// Fitting 5 folds for each of 6 candidates, totalling 30 fits
	// Best: 0.9600 using {'max_depth': 3, 'min_samples_leaf': 1}
}

func ExampleStratifiedKFold() {
	folds, err := modelsel.StratifiedKFold{K: 3}.Split(&data.Dataset{
		X: make([]float32, 9), Shape: []int{1}, Y: []int32{0, 0, 0, 1, 1, 1, 2, 2, 2},
	})
	if err != nil {
		panic(err)
	}
	for _, f := range folds {
		fmt.Println("test", f.Test, "train", f.Train)
	}
	// Output:
	// test [0 3 6] train [1 2 4 5 7 8]
	// test [1 4 7] train [0 2 3 5 6 8]
	// test [2 5 8] train [0 1 3 4 6 7]
}
