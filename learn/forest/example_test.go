package forest_test

import (
	"context"
	"fmt"

	"github.com/go-tune/tune/learn/data"
	"github.com/go-tune/tune/learn/forest"
	"github.com/go-tune/tune/learn/metrics"
	"github.com/go-tune/tune/learn/modelsel"
)

func Example() {
	train, test, err := modelsel.TrainTestSplit(data.Iris(), 0.3, 1, true)
	if err != nil {
		panic(err)
	}
	f := forest.NewClassifier(forest.Config{Trees: 100, Seed: 42, Jobs: -1})
	if err := f.Fit(context.Background(), train); err != nil {
		panic(err)
	}
	pred, err := f.Predict(test)
	if err != nil {
		panic(err)
	}
	acc, _ := metrics.Accuracy(test.Y, pred)
	imp := f.FeatureImportances()
	fmt.Printf("test accuracy %.2f on %d flowers\n", acc, test.N())
	fmt.Printf("petal length and width carry %.0f%% of the importance\n", 100*(imp[2]+imp[3]))
	// Output:
	// test accuracy 0.91 on 45 flowers
	// petal length and width carry 87% of the importance
}
