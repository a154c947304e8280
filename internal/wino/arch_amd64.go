//go:build !purego

package wino

import "golang.org/x/sys/cpu"

// levels lists the versions this machine runs, the Go ones first. cpu
// reports AVX512F only when the operating system saves the ZMM and opmask
// registers.
var levels = func() []level {
	ls := []level{generic}
	if cpu.X86.HasAVX512F {
		ls = append(ls, avx512)
	}
	return ls
}()

// The AVX-512 versions take every tile: the last block of fewer than 16
// is loaded and stored under masks, since rows of 7 to 64 tiles are
// common and would otherwise leave a large share to the Go versions. The
// exported functions have checked the bounds and that n ≥ 1.

func inputArch(dst []float32, ld int, src []float32, lds, n int) int {
	if use != avx512 {
		return 0
	}
	inputAVX512(&dst[0], ld, &src[0], lds, n)
	return n
}

func outputArch(dst []float32, ldd int, src []float32, ld, n int, bias float32) int {
	if use != avx512 {
		return 0
	}
	outputAVX512(&dst[0], ldd, &src[0], ld, n, bias)
	return n
}

func gradArch(dst []float32, ld int, src []float32, lds, n int) int {
	if use != avx512 {
		return 0
	}
	gradAVX512(&dst[0], ld, &src[0], lds, n)
	return n
}

// inputAVX512 is inputGo for n ≥ 0 tiles with AVX-512F.
//
//go:noescape
func inputAVX512(dst *float32, ld int, src *float32, lds, n int)

// outputAVX512 is outputGo for n ≥ 0 tiles with AVX-512F.
//
//go:noescape
func outputAVX512(dst *float32, ldd int, src *float32, ld, n int, bias float32)

// gradAVX512 is gradGo for n ≥ 0 tiles with AVX-512F.
//
//go:noescape
func gradAVX512(dst *float32, ld int, src *float32, lds, n int)
