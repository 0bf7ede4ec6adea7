// Package forest fits random forests (L. Breiman, "Random Forests",
// Machine Learning 45, 2001) of learn/tree's CART trees, as scikit-learn's
// RandomForestClassifier and RandomForestRegressor: each tree grows on a
// bootstrap sample of the data and considers a random subset of the
// features at each split; the forest averages the trees' class
// probabilities (or predictions).
//
// Trees train in parallel on Config.Jobs goroutines and share one binned
// copy of the features (see learn/tree). Tree i draws its bootstrap sample
// and its features from a random source derived from the seed and i, so a
// seeded forest is the same whatever Jobs is. The forest reports
// out-of-bag accuracy (or R²) and impurity-based feature importances.
package forest
