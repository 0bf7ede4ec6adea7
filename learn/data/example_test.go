package data_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/go-tune/tune/learn/data"
)

func ExampleIris() {
	iris := data.Iris()
	fmt.Println(iris.N(), "samples of", iris.Shape, "features:", iris.FeatureNames)
	fmt.Println("classes:", iris.Classes, iris.ClassCounts())
	fmt.Println("first:", iris.Row(0), iris.Classes[iris.Y[0]])
	// Output:
	// 150 samples of [4] features: [sepal_length sepal_width petal_length petal_width]
	// classes: [setosa versicolor virginica] [50 50 50]
	// first: [5.1 3.5 1.4 0.2] setosa
}

func ExampleReadCSV() {
	csv := `id,height,weight,size
1,150,50,M
2,180,80,L
3,120,30,S
`
	ds, err := data.ReadCSV(strings.NewReader(csv), data.CSVOptions{Ignore: []string{"id"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.FeatureNames, ds.X)
	fmt.Println(ds.Classes, ds.Y)

	_, err = data.ReadCSV(strings.NewReader("height,size\n150,M\n1m80,L\n"), data.CSVOptions{})
	fmt.Println(err)
	// Output:
	// [height weight] [150 50 180 80 120 30]
	// [L M S] [1 0 2]
	// data: line 3, column "height": "1m80" is not a number
}

func ExampleLoader() {
	iris := data.Iris()
	rng := rand.New(rand.NewPCG(1, 0))
	train, val, err := data.TrainValSplit(iris, 0.2, rng, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	var scaler data.StandardScaler
	scaler.Fit(train.X, train.NumFeatures())
	scaler.Transform(train.X)
	scaler.Transform(val.X)
	fmt.Println("train", train.N(), train.ClassCounts(), "validation", val.N(), val.ClassCounts())

	loader := data.NewLoader(train, data.LoaderConfig{BatchSize: 32, Shuffle: true}, rng)
	for epoch := range 2 {
		n := 0
		for b := range loader.Batches() {
			// b.X holds b.Len() rows of 4 features, b.Y their classes;
			// both are valid until the next batch.
			n += b.Len()
		}
		fmt.Println("epoch", epoch, "saw", n, "samples in", loader.NumBatches(), "batches")
	}
	// Output:
	// train 120 [40 40 40] validation 30 [10 10 10]
	// epoch 0 saw 120 samples in 4 batches
	// epoch 1 saw 120 samples in 4 batches
}

func ExampleMakeClassification() {
	ds, err := data.MakeClassification(data.ClassificationConfig{
		Samples: 1000, Features: 20, Informative: 5, Redundant: 3, Classes: 3,
	}, rand.New(rand.NewPCG(42, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.N(), ds.Shape, ds.Classes, ds.ClassCounts())
	// Output:
	// 1000 [20] [0 1 2] [334 333 333]
}

func ExampleLoadMNIST() {
	dir := "/path/to/mnist" // or: dir, err := data.FindMNIST(ctx)
	train, test, err := data.LoadMNIST(dir)
	if err != nil {
		fmt.Println(strings.Replace(err.Error(), dir, "DIR", 1))
		return
	}
	fmt.Println(train.N(), test.N(), train.Shape)
	// Output:
	// data: no MNIST file train-images-idx3-ubyte or train-images-idx3-ubyte.gz in DIR: file does not exist
}
