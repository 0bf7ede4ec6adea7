package search_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/modelsel"
	"github.com/go-tune/tune/learn/tree"
	"github.com/go-tune/tune/pruner"
	"github.com/go-tune/tune/search"
)

// TPE tunes a decision tree's depth and leaf size on iris; each candidate
// is a tune trial whose folds are its intermediate values.
func Example() {
	res, err := search.Search{
		Estimator: modelsel.FromConfig(tree.Config{Seed: 1}, tree.NewClassifier),
		Space: modelsel.Space{
			"max_depth":        modelsel.IntUniform{Low: 1, High: 8},
			"min_samples_leaf": modelsel.IntUniform{Low: 1, High: 30, Log: true},
		},
		Trials: 20,
		Seed:   7,
		Pruner: pruner.Nop{},
	}.Fit(context.Background(), data.Iris())
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d candidates, best 5-fold accuracy %.3f\n", len(res.Candidates), res.BestScore)
	// Output:
	// 20 candidates, best 5-fold accuracy 0.967
}
