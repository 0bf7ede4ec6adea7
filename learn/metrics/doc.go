// Package metrics scores predictions as scikit-learn's sklearn.metrics
// does: accuracy, balanced accuracy, precision, recall and F-scores
// (macro, micro, weighted, binary), the confusion matrix, log loss and
// ROC AUC (binary and one-vs-rest) for classifiers; mean squared and
// absolute errors and R² for regressors.
//
// Class labels are class indices ([]int32, as in learn/data's Dataset.Y);
// probabilities are row-major n×k slices, column j the probability of
// class j; real values are []float64. Every function returns an error
// that names what is wrong for inputs of different lengths, empty inputs,
// malformed probability matrices and class indices out of range; where
// scikit-learn warns and returns 0 (a precision with nothing predicted,
// "zero_division"), these functions return 0 too.
package metrics
