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

func ExamplePrecisionRecallF1() {
	yTrue := []int32{0, 0, 1, 1, 2, 2}
	yPred := []int32{0, 1, 1, 1, 2, 0}
	for _, avg := range []metrics.Average{metrics.Macro, metrics.Micro, metrics.Weighted} {
		p, r, f, _ := metrics.PrecisionRecallF1(yTrue, yPred, avg)
		fmt.Printf("%-8v precision %.4f  recall %.4f  F1 %.4f\n", avg, p, r, f)
	}
	f2, _ := metrics.FBeta(yTrue, yPred, 2, metrics.Macro)
	fmt.Printf("macro F2 %.4f\n", f2)
	// Output:
	// macro    precision 0.7222  recall 0.6667  F1 0.6556
	// micro    precision 0.6667  recall 0.6667  F1 0.6667
	// weighted precision 0.7222  recall 0.6667  F1 0.6556
	// macro F2 0.6549
}

func ExampleBalancedAccuracy() {
	// A classifier that always answers the majority class.
	yTrue := []int32{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}
	yPred := make([]int32, len(yTrue))
	acc, _ := metrics.Accuracy(yTrue, yPred)
	bal, _ := metrics.BalancedAccuracy(yTrue, yPred)
	fmt.Println(acc, bal)
	// Output: 0.8 0.5
}

func ExampleLogLoss() {
	yTrue := []int32{0, 1, 2, 2, 1, 0}
	proba := []float64{ // one row per sample, one column per class
		0.7, 0.2, 0.1,
		0.3, 0.6, 0.1,
		0.2, 0.3, 0.5,
		0.5, 0.2, 0.3,
		0.4, 0.4, 0.2,
		0.3, 0.3, 0.4,
	}
	loss, _ := metrics.LogLoss(yTrue, proba, 3)
	fmt.Printf("%.4f\n", loss)
	// Output: 0.8141
}

func ExampleROCAUC() {
	auc, _ := metrics.ROCAUC([]int32{0, 0, 1, 1}, []float64{0.1, 0.4, 0.35, 0.8})
	fmt.Println(auc)
	// Output: 0.75
}

func ExampleROCAUCOvR() {
	yTrue := []int32{0, 1, 2, 2, 1, 0}
	proba := []float64{
		0.7, 0.2, 0.1,
		0.3, 0.6, 0.1,
		0.2, 0.3, 0.5,
		0.5, 0.2, 0.3,
		0.4, 0.4, 0.2,
		0.3, 0.3, 0.4,
	}
	for _, avg := range []metrics.Average{metrics.Macro, metrics.Micro, metrics.Weighted} {
		auc, _ := metrics.ROCAUCOvR(yTrue, proba, 3, avg)
		fmt.Printf("%-8v %.4f\n", avg, auc)
	}
	// Output:
	// macro    0.8542
	// micro    0.8403
	// weighted 0.8542
}

func ExampleR2() {
	yTrue := []float64{3, -0.5, 2, 7}
	yPred := []float64{2.5, 0.0, 2, 8}
	mse, _ := metrics.MSE(yTrue, yPred)
	rmse, _ := metrics.RMSE(yTrue, yPred)
	mae, _ := metrics.MAE(yTrue, yPred)
	r2, _ := metrics.R2(yTrue, yPred)
	fmt.Printf("MSE %.4f, RMSE %.4f, MAE %.4f, R² %.4f\n", mse, rmse, mae, r2)
	// Output: MSE 0.3750, RMSE 0.6124, MAE 0.5000, R² 0.9486
}

func ExampleParseAverage() {
	avg, err := metrics.ParseAverage("weighted")
	fmt.Println(avg == metrics.Weighted, err)
	// Output: true <nil>
}
