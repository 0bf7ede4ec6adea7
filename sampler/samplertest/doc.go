// Package samplertest is the conformance suite of sampler.Sampler: every
// sampler runs Run, unchanged, in its tests. It drives the sampler through
// coretest.Study, without a storage, over histories that hold every kind of
// distribution, conditional parameters, failed and pruned trials, and
// infinite values.
package samplertest
