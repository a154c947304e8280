//go:build !amd64 || purego

package vec

func addRuns(dst, src []float32, runs []Run) { addRunsGeneric(dst, src, runs) }
