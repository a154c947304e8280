//go:build !amd64 || noasm || gccgo || safe

package gemm

// gonumImpl names gonum's Sgemm in the benchmarks. In this build its inner
// loops are in Go, as on every machine but amd64 or with the noasm tag.
const gonumImpl = "gonum-go"
