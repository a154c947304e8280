package methods

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Quartiles returns the first quartile, the median and the third quartile
// of v, interpolated linearly between order statistics. v must not be
// empty; it is not modified.
func Quartiles(v []float64) (q1, median, q3 float64) {
	s := slices.Clone(v)
	slices.Sort(s)
	return quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75)
}

// quantile returns the q-quantile of the sorted, non-empty s.
func quantile(s []float64, q float64) float64 {
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	f := pos - float64(i)
	return s[i] + f*(s[i+1]-s[i])
}

// Ratio is how many times longer one method takes than another, estimated
// from paired repetitions, with a confidence interval.
type Ratio struct {
	Est    float64 // the median over repetitions of a/b
	Lo, Hi float64 // the confidence interval of Est
	Level  float64 // the confidence level of [Lo, Hi], such as 0.95
}

// Decided reports whether the interval excludes 1, that is whether the
// repetitions show one method to be faster than the other at the
// interval's level rather than tied with it within the noise.
func (r Ratio) Decided() bool { return r.Lo > 1 || r.Hi < 1 }

// Inverse returns the ratio b/a from the ratio a/b.
func (r Ratio) Inverse() Ratio {
	return Ratio{Est: 1 / r.Est, Lo: 1 / r.Hi, Hi: 1 / r.Lo, Level: r.Level}
}

// bootstraps is the number of resamples behind an interval; 4000 put the
// percentiles of a 95% or 99% interval on 100 and 20 resamples each side.
const bootstraps = 4000

// PairedRatio estimates a/b for times a[r] and b[r] measured in the same
// repetition r, close together in time, so that a shared machine's slow
// moments, which hit both, cancel in their ratio. The estimate is the
// median over repetitions of ln(a[r]/b[r]), returned as a ratio, so a
// single repetition disturbed by other work moves it little. The interval
// is a percentile bootstrap: the repetitions are resampled with
// replacement, the median log-ratio is taken of each resample, and the
// central level of those medians is the interval. With 5 repetitions the
// median of a resample is its smallest or largest value often enough that
// a 95% interval reaches from the smallest ratio to the largest, so one
// disturbed repetition can stretch it over 1; from 8 on, one can no longer
// do that to a clear difference. The resampling draws from a generator
// seeded with seed, so the same times always give the same interval. a and
// b must have the same length, at least 1, and positive values; level
// must lie in (0, 1).
func PairedRatio(a, b []float64, level float64, seed uint64) (Ratio, error) {
	if len(a) == 0 || len(a) != len(b) {
		return Ratio{}, fmt.Errorf("methods: paired ratio of %d and %d times", len(a), len(b))
	}
	if !(level > 0 && level < 1) {
		return Ratio{}, fmt.Errorf("methods: confidence level %v is not in (0, 1)", level)
	}
	logs := make([]float64, len(a))
	for i := range a {
		if !(a[i] > 0 && b[i] > 0) || math.IsInf(a[i], 0) || math.IsInf(b[i], 0) {
			return Ratio{}, fmt.Errorf("methods: repetition %d: times %v and %v must be positive and finite", i, a[i], b[i])
		}
		logs[i] = math.Log(a[i] / b[i])
	}
	rng := rand.New(rand.NewPCG(seed, 0xb007))
	meds := make([]float64, bootstraps)
	draw := make([]float64, len(logs))
	for k := range meds {
		for i := range draw {
			draw[i] = logs[rng.IntN(len(logs))]
		}
		slices.Sort(draw)
		meds[k] = quantile(draw, 0.5)
	}
	slices.Sort(meds)
	tail := (1 - level) / 2
	lo := meds[int(math.Floor(tail*bootstraps))]
	hi := meds[min(bootstraps-1, int(math.Ceil((1-tail)*bootstraps))-1)]
	slices.Sort(logs)
	return Ratio{Est: math.Exp(quantile(logs, 0.5)), Lo: math.Exp(lo), Hi: math.Exp(hi), Level: level}, nil
}
