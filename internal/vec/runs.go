package vec

// A Run is a stretch of N elements at unit stride: from Pos in the
// operand read as a row and from Off in the other one.
type Run struct{ Pos, N, Off int }

// AddRuns adds src[r.Pos+i] to dst[r.Off+i] for i < r.N, for each run r
// in turn: the runs of a col2im row. It panics if a run reaches outside
// src or dst.
func AddRuns(dst, src []float32, runs []Run) {
	for _, r := range runs {
		if r.N < 0 || r.Pos < 0 || r.Off < 0 || r.Pos+r.N > len(src) || r.Off+r.N > len(dst) {
			panic("vec: AddRuns reaches outside its operands")
		}
	}
	addRuns(dst, src, runs)
}

func addRunsGeneric(dst, src []float32, runs []Run) {
	for _, r := range runs {
		addGeneric(dst[r.Off:r.Off+r.N], src[r.Pos:r.Pos+r.N])
	}
}
