package modelsel

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/go-tune/tune/learn/data"
)

// SearchConfig sets what GridSearch and RandomizedSearch share with
// scikit-learn's GridSearchCV and RandomizedSearchCV. The zero value
// cross-validates with 5 folds, scores with accuracy (R² for regressors),
// fits one at a time, prints nothing and refits the best candidate.
type SearchConfig struct {
	// CVConfig sets the folds, the scorers (the first ranks the
	// candidates), the fits run at once (Jobs: 0 one, -1 all cores; the
	// search runs fits of all candidates and folds in parallel, as
	// scikit-learn's n_jobs) and whether to score the training sets.
	CVConfig
	// Verbose prints progress as scikit-learn does: 1 the number of fits;
	// 2 also a line per fit with its parameters and time; 3 also the fold
	// and the score; 10 also the candidate and a line as each fit starts.
	// 0 prints nothing.
	Verbose int
	// Log receives the verbose lines; nil means os.Stdout.
	Log io.Writer
	// NoRefit skips refitting the best candidate on the whole dataset.
	NoRefit bool
}

// GridSearch tries every combination of the grids' values, as
// scikit-learn's GridSearchCV.
type GridSearch struct {
	// Estimator makes the models; see FromConfig.
	Estimator Factory
	// Grids lists the grids; their candidates are tried one grid after
	// the other.
	Grids []Grid
	SearchConfig
}

// Fit cross-validates every candidate on ds and returns the results.
func (g GridSearch) Fit(ctx context.Context, ds *data.Dataset) (*SearchResult, error) {
	cands, err := GridCandidates(g.Grids...)
	if err != nil {
		return nil, err
	}
	return Evaluate(ctx, g.Estimator, cands, ds, g.SearchConfig)
}

// RandomizedSearch tries Iter candidates drawn from Space, as
// scikit-learn's RandomizedSearchCV; see SampleCandidates for how they are
// drawn.
type RandomizedSearch struct {
	// Estimator makes the models; see FromConfig.
	Estimator Factory
	// Space gives each hyperparameter's distribution.
	Space Space
	// Iter is the number of candidates; 0 means 10.
	Iter int
	// Seed seeds the draws: the same seed gives the same candidates.
	Seed uint64
	SearchConfig
}

// Fit draws the candidates, cross-validates each on ds and returns the
// results.
func (r RandomizedSearch) Fit(ctx context.Context, ds *data.Dataset) (*SearchResult, error) {
	n := r.Iter
	if n == 0 {
		n = 10
	}
	cands, err := SampleCandidates(r.Space, n, rand.New(rand.NewPCG(r.Seed, 0x72616e64)))
	if err != nil {
		return nil, err
	}
	return Evaluate(ctx, r.Estimator, cands, ds, r.SearchConfig)
}

// SearchResult is what a search found, as scikit-learn's cv_results_,
// best_params_, best_score_ and best_estimator_.
type SearchResult struct {
	// Candidates holds every candidate in the order tried.
	Candidates []Candidate
	// Scoring names the scorers; Scoring[0] ranks the candidates.
	Scoring []string
	// Best indexes the best candidate: the first of rank 1.
	Best int
	// BestParams and BestScore are the best candidate's parameters and
	// mean test score (by Scoring[0]).
	BestParams Params
	BestScore  float64
	// BestEstimator is the best candidate refitted on the whole dataset;
	// nil with NoRefit.
	BestEstimator Estimator
	// RefitTime is how long that refit took.
	RefitTime time.Duration
}

// Candidate is one set of hyperparameters and how it scored.
type Candidate struct {
	Params Params
	// Folds holds one result per fold that ran; a pruned candidate has
	// fewer than the others.
	Folds []FoldResult
	// Mean, Std and Rank give the test scores' mean, (population) standard
	// deviation and rank by scorer name; a candidate with a failed fit has
	// NaN and ranks last. Rank 1 is best; equal means share a rank.
	Mean, Std map[string]float64
	Rank      map[string]int
	// TrainMean and TrainStd summarise the training scores (TrainScore).
	TrainMean, TrainStd map[string]float64
	// MeanFitTime and MeanScoreTime average the folds' times.
	MeanFitTime, MeanScoreTime time.Duration
	// Pruned says the candidate was stopped before its last fold (by a
	// pruner of the tune-driven search); its means are over the folds it
	// ran, and it ranks after every candidate that ran them all.
	Pruned bool
	// Err is the first failure among its folds, or nil.
	Err error
}

// Evaluate cross-validates each candidate's estimator on ds, all fits of
// all candidates sharing cfg.Jobs workers, and ranks them. Every
// candidate's parameters are checked through est before any fit, so that
// an unknown name fails at once. Fits that fail get NaN scores (and the
// error in the candidate), as scikit-learn's error_score=nan; when every
// fit fails, Evaluate fails with the first error.
func Evaluate(ctx context.Context, est Factory, cands []Params, ds *data.Dataset, cfg SearchConfig) (*SearchResult, error) {
	if est == nil {
		return nil, errors.New("modelsel: no estimator Factory")
	}
	if len(cands) == 0 {
		return nil, errors.New("modelsel: no candidates")
	}
	var probe Estimator
	for _, p := range cands {
		e, err := est(p)
		if err != nil {
			return nil, err
		}
		probe = e
	}
	folds, scorers, err := Prepare(probe, ds, cfg.CVConfig)
	if err != nil {
		return nil, err
	}
	log := NewProgress(cfg.Verbose, cfg.Log, len(folds), len(cands))
	log.Start()
	res := make([]Candidate, len(cands))
	for i := range res {
		res[i] = Candidate{Params: cands[i], Folds: make([]FoldResult, len(folds))}
	}
	nfits := len(cands) * len(folds)
	var (
		mu    sync.Mutex
		fails int
		first error
	)
	err = runParallel(ctx, jobs(cfg.Jobs), nfits, func(i int) error {
		c, f := i/len(folds), i%len(folds)
		log.FitStart(c, f, cands[c])
		e, err := est(cands[c])
		var fr FoldResult
		if err != nil {
			fr = FoldResult{Err: err}
		} else {
			fr = FitAndScore(ctx, e, ds, folds[f], scorers, cfg.TrainScore)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		res[c].Folds[f] = fr
		log.FitEnd(c, f, cands[c], fr, scorers)
		if fr.Err != nil {
			mu.Lock()
			fails++
			if first == nil {
				first = fmt.Errorf("candidate %d (%s), fold %d: %w", c+1, cands[c].flat(), f+1, fr.Err)
			}
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("modelsel: search stopped: %w", err)
	}
	if fails == nfits {
		return nil, fmt.Errorf("modelsel: all %d fits failed; the first: %w", nfits, first)
	}
	r := Summarize(res, scorerNames(scorers))
	if !cfg.NoRefit {
		if err := r.refit(ctx, est, ds); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func scorerNames(s []Scorer) []string {
	names := make([]string, len(s))
	for i, sc := range s {
		names[i] = sc.Name
	}
	return names
}

// Prepare checks ds for est and returns the folds and the scorers that a
// cross-validation with cfg uses (the defaults filled in). A search of
// another package (such as one driven by tune's samplers) calls it once,
// then FitAndScore per fold.
func Prepare(est Estimator, ds *data.Dataset, cfg CVConfig) ([]Fold, []Scorer, error) {
	return prepare(est, ds, cfg)
}

func (r *SearchResult) refit(ctx context.Context, est Factory, ds *data.Dataset) error {
	e, err := est(r.BestParams)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := e.Fit(ctx, ds); err != nil {
		return fmt.Errorf("modelsel: refitting the best candidate (%s): %w", r.BestParams.flat(), err)
	}
	r.RefitTime = time.Since(start)
	r.BestEstimator = e
	return nil
}

// Summarize fills in each candidate's means, deviations and ranks from its
// folds and picks the best by scoring[0]. Candidates without folds, or
// with a failure, have NaN means.
func Summarize(cands []Candidate, scoring []string) *SearchResult {
	for i := range cands {
		c := &cands[i]
		c.Mean, c.Std, c.Rank = map[string]float64{}, map[string]float64{}, map[string]int{}
		c.TrainMean, c.TrainStd = map[string]float64{}, map[string]float64{}
		var fit, score time.Duration
		for _, f := range c.Folds {
			fit += f.FitTime
			score += f.ScoreTime
			if f.Err != nil && c.Err == nil {
				c.Err = f.Err
			}
		}
		if n := len(c.Folds); n > 0 {
			c.MeanFitTime, c.MeanScoreTime = fit/time.Duration(n), score/time.Duration(n)
		}
		for _, s := range scoring {
			c.Mean[s], c.Std[s] = meanStd(c.Folds, func(f FoldResult) (float64, bool) { v, ok := f.Test[s]; return v, ok })
			if c.Folds != nil && c.Folds[0].Train != nil {
				c.TrainMean[s], c.TrainStd[s] = meanStd(c.Folds, func(f FoldResult) (float64, bool) { v, ok := f.Train[s]; return v, ok })
			}
		}
	}
	for _, s := range scoring {
		rankBy(cands, s)
	}
	r := &SearchResult{Candidates: cands, Scoring: scoring}
	for i, c := range cands {
		if c.Rank[scoring[0]] == 1 {
			r.Best = i
			break
		}
	}
	r.BestParams = cands[r.Best].Params
	r.BestScore = cands[r.Best].Mean[scoring[0]]
	return r
}

func meanStd(folds []FoldResult, get func(FoldResult) (float64, bool)) (mean, std float64) {
	if len(folds) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, f := range folds {
		v, ok := get(f)
		if !ok {
			return math.NaN(), math.NaN()
		}
		mean += v
	}
	mean /= float64(len(folds))
	for _, f := range folds {
		v, _ := get(f)
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(folds)))
}

// rankBy ranks by the mean of scorer s, higher first, as scipy's
// rankdata(method="min"): pruned candidates after complete ones, NaN last.
func rankBy(cands []Candidate, s string) {
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	tier := func(c Candidate) int {
		switch {
		case math.IsNaN(c.Mean[s]):
			return 2
		case c.Pruned:
			return 1
		}
		return 0
	}
	cmpC := func(a, b Candidate) int {
		if t := cmp.Compare(tier(a), tier(b)); t != 0 {
			return t
		}
		if tier(a) == 2 {
			return 0
		}
		return cmp.Compare(b.Mean[s], a.Mean[s])
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpC(cands[a], cands[b]) })
	for k, i := range order {
		if k > 0 && cmpC(cands[order[k-1]], cands[i]) == 0 {
			cands[i].Rank[s] = cands[order[k-1]].Rank[s]
		} else {
			cands[i].Rank[s] = k + 1
		}
	}
}

// WriteTable writes the results as a table, one row per candidate in the
// order tried: rank, mean and standard deviation of each scorer, mean fit
// time, and the parameters.
func (r *SearchResult) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"rank"}
	for _, s := range r.Scoring {
		head = append(head, "mean "+s, "std")
	}
	head = append(head, "fit time", "parameters")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, c := range r.Candidates {
		row := []string{fmt.Sprintf("%4d", c.Rank[r.Scoring[0]])}
		for _, s := range r.Scoring {
			row = append(row, fmt.Sprintf("%.4f", c.Mean[s]), fmt.Sprintf("%.4f", c.Std[s]))
		}
		note := ""
		switch {
		case c.Err != nil:
			note = " (failed: " + c.Err.Error() + ")"
		case c.Pruned:
			note = fmt.Sprintf(" (pruned after %d folds)", len(c.Folds))
		}
		row = append(row, fmt.Sprintf("%.3fs", c.MeanFitTime.Seconds()), c.Params.flat()+note)
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// Progress prints a search's verbose lines, as scikit-learn's
// _fit_and_score prints them; it is safe for concurrent use. Package
// search uses it so that both searches print alike.
type Progress struct {
	verbose         int
	w               io.Writer
	folds, cands    int
	mu              sync.Mutex
	candidatesKnown bool
}

// NewProgress returns a Progress for folds folds of cands candidates
// (cands 0 when unknown in advance) at the given verbose level; w nil
// means os.Stdout.
func NewProgress(verbose int, w io.Writer, folds, cands int) *Progress {
	if w == nil {
		w = os.Stdout
	}
	return &Progress{verbose: verbose, w: w, folds: folds, cands: cands, candidatesKnown: cands > 0}
}

// Start prints "Fitting 5 folds for each of 10 candidates, totalling 50
// fits" at verbose 1 and above.
func (p *Progress) Start() {
	if p.verbose > 0 && p.candidatesKnown {
		p.printf("Fitting %d folds for each of %d candidates, totalling %d fits\n", p.folds, p.cands, p.folds*p.cands)
	}
}

func (p *Progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, args...)
}

func (p *Progress) tag(cand, fold int) string {
	s := ""
	if p.verbose > 2 {
		s = fmt.Sprintf(" %d/%d", fold+1, p.folds)
		if p.verbose > 9 {
			if p.candidatesKnown {
				s += fmt.Sprintf("; %d/%d", cand+1, p.cands)
			} else {
				s += fmt.Sprintf("; %d", cand+1)
			}
		}
	}
	return "[CV" + s + "]"
}

// FitStart prints "[CV 1/5; 3/10] START params....." at verbose 10 and
// above.
func (p *Progress) FitStart(cand, fold int, params Params) {
	if p.verbose > 9 {
		msg := p.tag(cand, fold) + " START " + params.flat()
		p.printf("%s%s\n", msg, strings.Repeat(".", max(0, 80-len(msg))))
	}
}

// FitEnd prints the line that ends a fit at verbose 2 and above:
// "[CV] END max_depth=10, n_estimators=50; total time=   0.1s", with the
// fold and ", score=0.967" from verbose 3 on, right-aligned to 80 columns.
func (p *Progress) FitEnd(cand, fold int, params Params, fr FoldResult, scorers []Scorer) {
	if p.verbose < 2 {
		return
	}
	end := p.tag(cand, fold) + " END "
	msg := params.flat()
	if msg != "" {
		msg += ";"
	}
	if p.verbose > 2 {
		switch {
		case fr.Err != nil:
			msg += " failed: " + fr.Err.Error() + ";"
		case len(scorers) == 1:
			s := scorers[0].Name
			if fr.Train != nil {
				msg += fmt.Sprintf(", score=(train=%.3f, test=%.3f)", fr.Train[s], fr.Test[s])
			} else {
				msg += fmt.Sprintf(", score=%.3f", fr.Test[s])
			}
		default:
			names := scorerNames(scorers)
			slices.Sort(names)
			for _, s := range names {
				msg += " " + s + ": ("
				if fr.Train != nil {
					msg += fmt.Sprintf("train=%.3f, ", fr.Train[s])
				}
				msg += fmt.Sprintf("test=%.3f)", fr.Test[s])
			}
		}
	}
	msg += " total time=" + shortTime(fr.FitTime+fr.ScoreTime)
	p.printf("%s%s%s\n", end, strings.Repeat(".", max(0, 80-len(end)-len(msg))), msg)
}

// shortTime formats d as joblib's short_format_time: "   0.1s", " 1.5min".
func shortTime(d time.Duration) string {
	t := d.Seconds()
	if t > 60 {
		return fmt.Sprintf("%4.1fmin", t/60)
	}
	return fmt.Sprintf(" %5.1fs", t)
}
