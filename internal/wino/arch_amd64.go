//go:build !purego

package wino

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

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
// common and would otherwise leave a large share to the Go versions, and
// so are the samples past the edges of a plane, which would otherwise
// send the first and last tile of every row to the Go versions. The
// exported functions have checked the bounds and that n ≥ 1.

// inputArch runs InputEdge's transform, reporting whether it did.
func inputArch(dst []float32, ld int, plane []float32, lds, h, w, r0, c0, n, next int) bool {
	if use != avx512 {
		return false
	}
	// Bit r of rows: row r of the windows lies inside the plane.
	rows := 0b1111
	if r0 < 0 || r0+4 > h {
		rows = 0
		for r := range 4 {
			if i := r0 + r; i >= 0 && i < h {
				rows |= 1 << r
			}
		}
	}
	var p *float32
	if w <= 0 {
		rows = 0
	}
	if rows != 0 {
		p = &plane[0]
	}
	inputAVX512(&dst[0], ld, p, r0*lds+c0, lds, w, c0, rows, n, next)
	return true
}

// outputArch runs OutputEdge's transform for rows of 1 or 2 and n tiles
// of which every one has a column below w, reporting whether it did.
// OutputEdge has checked dst and src, so their first elements are taken
// without a check: that keeps the function within the compiler's budget
// for inlining, so that OutputEdge calls the kernel with no frame and no
// copy of its arguments between them.
func outputArch(dst []float32, ldd, rows, w int, src []float32, ld, n int, bias float32, next int) bool {
	if use != avx512 {
		return false
	}
	outputAVX512(unsafe.SliceData(dst), ldd, unsafe.SliceData(src), ld, rows, w, n, bias, next)
	return true
}

// gradArch runs GradEdge's transform, reporting whether it did.
func gradArch(dst []float32, ld int, src []float32, lds, rows, w, n, next int) bool {
	if use != avx512 {
		return false
	}
	var p *float32
	if rows <= 0 || w <= 0 {
		rows = 0
	} else {
		p = &src[0]
	}
	gradAVX512(&dst[0], ld, p, lds, rows, w, n, next)
	return true
}

// inputAVX512 is inputEdgeGo for n ≥ 0 tiles with AVX-512F: row r of the
// windows is read from src + off + r·lds if bit r of rows is set, and
// reads as zero otherwise; columns c0 + 2t + c outside [0, w) read as
// zero. next is InputEdge's hint.
//
//go:noescape
func inputAVX512(dst *float32, ld int, src *float32, off, lds, w, c0, rows, n, next int)

// outputAVX512 is OutputEdge for n ≥ 0 tiles and rows of 1 or 2 with
// AVX-512F. next is OutputEdge's hint.
//
//go:noescape
func outputAVX512(dst *float32, ldd int, src *float32, ld, rows, w, n int, bias float32, next int)

// gradAVX512 is GradEdge for n ≥ 0 tiles and rows of 0, 1 or 2 with
// AVX-512F. next is GradEdge's hint.
//
//go:noescape
func gradAVX512(dst *float32, ld int, src *float32, lds, rows, w, n, next int)
