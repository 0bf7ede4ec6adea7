// Package modelsel chooses models: it splits data into folds (KFold,
// StratifiedKFold, TrainTestSplit), cross-validates any estimator
// (CrossValidate), and searches hyperparameters exhaustively (GridSearch)
// or at random (RandomizedSearch), as scikit-learn's model_selection
// module does, with the same verbose lines, results table, ranks and refit
// of the best candidate.
//
// An estimator is anything with a Fit method (Estimator), plus Predict for
// classifiers and regressors, so a user's own model plugs in. A search
// makes a fresh estimator for every fit through a Factory, which turns
// hyperparameters, named as scikit-learn names them ("n_estimators",
// "max_depth"), into a model; FromConfig builds one from a config struct
// whose fields carry `param:"name"` tags, and rejects unknown names.
//
// The search driven by tune's samplers (TPE, GP, ...) lives in package
// github.com/go-tune/tune/search, above both tune and learn: learn never
// imports tune.
package modelsel
