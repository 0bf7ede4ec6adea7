// Package metrics scores predictions as scikit-learn 1.2's sklearn.metrics
// does: accuracy, balanced accuracy, precision, recall and F-scores
// (macro, micro, weighted or binary averages), the confusion matrix, log
// loss and ROC AUC (binary and one-vs-rest) for classifiers; mean squared
// and absolute errors and R² for regressors.
//
// The functions are pure and take slices. Class labels are class indices
// ([]int32, as learn/data's Dataset.Y); probabilities are row-major
// n×nClasses slices, column j holding the probability of class j; real
// values are []float64.
//
// Every function returns an error, prefixed "metrics: ", for inputs of
// different lengths, empty inputs, NaN where it matters, malformed
// probability matrices, class indices out of range and averages the metric
// does not define, and also where scikit-learn raises an error, such as an
// ROC AUC with one class only. Where scikit-learn warns and returns 0 (a
// precision with nothing predicted, zero_division="warn"), these functions
// return 0 without a word. The few places where they deliberately differ
// from scikit-learn are documented at the function.
//
// The values are checked against scikit-learn 1.2.1 by the tests, with
// testdata/gen_reference.py.
package metrics
