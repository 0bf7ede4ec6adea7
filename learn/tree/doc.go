// Package tree grows CART decision trees (Breiman, Friedman, Olshen and
// Stone, "Classification and Regression Trees", 1984) for classification
// (Gini or entropy impurity) and regression (squared error), with
// scikit-learn's hyperparameters and defaults: maximum depth, minimum
// samples to split and per leaf, minimum impurity decrease, the number of
// features tried per split, a maximum number of leaves (grown best-first),
// class weights, and an injected random source.
//
// Splits are found on binned features. Each feature's distinct training
// values are sorted once and numbered; when a feature has more than
// Config.MaxBins of them (256 by default) neighbouring values share a bin,
// chosen at quantiles so that bins hold about as many samples each, as
// LightGBM and scikit-learn's HistGradientBoosting do. A node then sums
// its samples' class weights (or targets) per bin in one pass and scans
// the bins in order; small nodes sort their few codes instead, whichever
// is cheaper. With fewer distinct values than bins (iris, digits, any
// integer-coded feature) this is exactly scikit-learn's best split; with
// more, the thresholds are limited to the bin edges. Thresholds lie
// midway between the values on either side, as in scikit-learn, so a
// fitted tree predicts from the raw float32 features.
//
// Fitting a random forest bins the features once for all its trees (Bin,
// FitBinned); see package learn/forest.
package tree
