//go:build !amd64 || purego

package gemm

// directArch is empty: this build runs Direct in Go.
var directArch []*directKernel
