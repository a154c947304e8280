//go:build !purego

package vec

// addRuns runs the loop over the runs in assembly with AVX-512, where a
// call per run costs more than the additions of a short one.
func addRuns(dst, src []float32, runs []Run) {
	switch {
	case len(runs) == 0:
	case use == avx512:
		addRunsAVX512(&dst[0], &src[0], &runs[0], len(runs))
	default:
		for _, r := range runs {
			if r.N > 0 {
				add(dst[r.Off:r.Off+r.N], src[r.Pos:r.Pos+r.N])
			}
		}
	}
}

// addRunsAVX512 adds src[r.Pos+i] to dst[r.Off+i] for i < r.N, for the
// n ≥ 1 runs r from runs.
//
//go:noescape
func addRunsAVX512(dst, src *float32, runs *Run, n int)
