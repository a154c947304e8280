//go:build !noasm && !gccgo && !safe

package gemm

// gonumImpl names gonum's Sgemm in the benchmarks. In this build its inner
// loops are gonum's SSE assembly.
const gonumImpl = "gonum-asm"
