// Package optim holds the optimizers that train learn/nn models (GD, SGD
// with momentum and Nesterov, Adam and AMSGrad, AdamW, RMSProp, Adagrad),
// learning-rate schedules, gradient clipping and gradient accumulation.
//
// Every optimizer and schedule is a small config value with documented zero
// defaults, so that a tune trial can set any of its fields; its New method
// checks the fields and returns a fresh Optimizer or Schedule, or an error
// that names the field out of range ("optim: Adam.Beta1 is 1.5; it must be
// in [0, 1)"). Where 0 is a valid value of a field whose default is not 0
// (Adam's Beta1, ReduceOnPlateau's Patience), a negative value means 0.
// The defaults are PyTorch's, and where PyTorch has none (SGD's learning
// rate, StepLR's step size) the field's comment says what was chosen.
//
// The update rules follow PyTorch 1.13's single-tensor implementations
// operation by operation, in float32 as PyTorch's CPU kernels compute
// them (a*b + c rounded once, as their fused multiply-adds do; the
// step-size arithmetic in float64, as Python's), and the schedules follow
// PyTorch's recursive forms in float64. The tests check them against
// trajectories and rate sequences that PyTorch computed
// (testdata/gen_reference.py): the optimizers agree with it bit for bit
// on the reference problem, the schedules to float64 rounding.
//
// A fit loop creates the optimizer and the schedule, optionally wraps the
// optimizer in an Accumulator, and then, for each mini-batch, computes the
// gradients into the Params' Grad, optionally clips them (ClipGradNorm,
// ClipGradValue), calls Step, and hands the schedule's rates to SetLR as
// the Schedule interface describes. MarshalBinary and UnmarshalBinary save
// and restore an optimizer's state, so that training resumes exactly.
package optim
