package main

// configHelp is `tune help config`: the study file's keys. A test checks
// that it names every key the parser accepts.
const configHelp = `A study file (YAML or JSON) describes a study for tune run:

  study: NAME                 required; the study's name in the storage
  storage: URL                default sqlite:///tune.db in the working directory (postgresql://..., mysql://...)
  direction: minimize         or maximize; directions: [minimize, maximize] for several objectives
  metric: loss                the value the program reports; metrics: [a, b] for several
  sampler: tpe                random, tpe, gp, cmaes, qmc, nsga2, auto; or {name: tpe, config: {startup_trials: 5}}
  pruner: median              median, percentile, asha, hyperband, threshold, patient, wilcoxon, none;
                              or {name: asha, config: {min_resource: 1, reduction_factor: 3}}
  trials: 50                  trials in all (those of earlier runs count: running again resumes); 0: no limit
  parallel: 4                 trials at once
  timeout: 2h                 stop starting trials after this long
  trial_timeout: 30m          fail a trial that runs longer (its process group gets SIGTERM, then SIGKILL)
  seed: 42                    the sampler's seed; 0: random, recorded in the study
  max_failures: 5             stop after this many failed trials in a row
  space:                      the parameters, in order
    lr: {type: float, low: 1e-5, high: 1, log: true}
    layers: {type: int, low: 1, high: 4, step: 1}
    optimizer: {type: categorical, choices: [sgd, adam]}
    momentum: {type: float, low: 0, high: 0.99, when: {optimizer: sgd}}   exists only when optimizer is sgd
  command: [python3, train.py, "--lr={{.lr}}"]   the program; each element a Go template over the parameters
  workdir: .                  the command's directory (default: the study file's; relative to it)
  env: {KEY: value}           more environment; each parameter is also TUNE_PARAM_<NAME>,
                              with TUNE_TRIAL_NUMBER and TUNE_STUDY
  metrics_from: stdout        stdout, stderr or file:PATH (followed as the program writes it;
                              $TUNE_TRIAL_NUMBER in PATH is the trial's number)
  gpus: [0, 1]                each running trial gets one as CUDA_VISIBLE_DEVICES, never shared
  slots: [{A: "1"}, {A: "2"}] or each running trial gets one slot's environment
  model:                      a built-in model instead of a command:
    name: forest              forest (classifier), forest_regressor, or cnn (the seed CNN; its space
                              may name epochs, lr, momentum, weight_decay, batch_size, filters1,
                              filters2, units,
                              optimizer: sgd|adam, activation: relu|tanh|gelu|...; it reports each
                              epoch's validation accuracy)
    data: iris                iris, digits or a CSV file with a header; for cnn, mnist or an MNIST directory
    train: 10000              cnn: training images (0: all 60,000)
    val: 5000                 cnn: validation images, the first of the test set (0: 10,000)
    label: species            the CSV's label column (default: the last)
    cv: 5                     folds
    scoring: accuracy         a scikit-learn scorer name (accuracy, f1_macro, neg_log_loss, r2, ...)
    seed: 1                   the folds' and forests' seed

The program reports metrics as lines on its output, either JSON
({"step": 3, "loss": 0.21}, {"final": true, "loss": 0.19}) or name=value
pairs (epoch=3 loss=0.21). Each value of the metric at a step goes to the
pruner at once; a pruned trial's process group is stopped. The trial's
value is the last reported value, or the "final" one.
`
