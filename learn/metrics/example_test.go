package metrics_test

import (
	"fmt"

	"github.com/go-tune/tune/learn/metrics"
)

func Example() {
	yTrue := []int32{0, 0, 1, 1, 2, 2}
	yPred := []int32{0, 1, 1, 1, 2, 0}
	acc, _ := metrics.Accuracy(yTrue, yPred)
	f1, _ := metrics.F1(yTrue, yPred, metrics.Macro)
	m, _ := metrics.ConfusionMatrix(yTrue, yPred, 3)
	fmt.Printf("accuracy %.3f, macro F1 %.3f\n", acc, f1)
	fmt.Print(metrics.FormatConfusionMatrix(m, []string{"cat", "dog", "bird"}))
	// Output:
	// accuracy 0.667, macro F1 0.656
	//         cat   dog  bird
	//   cat     1     1     0
	//   dog     0     2     0
	//  bird     1     0     1
}

func ExampleROCAUC() {
	auc, _ := metrics.ROCAUC([]int32{0, 0, 1, 1}, []float64{0.1, 0.4, 0.35, 0.8})
	fmt.Println(auc)
	// Output: 0.75
}

func ExampleR2() {
	r2, _ := metrics.R2([]float64{3, -0.5, 2, 7}, []float64{2.5, 0.0, 2, 8})
	fmt.Printf("%.4f\n", r2)
	// Output: 0.9486
}
