//go:build !amd64 || purego

package wino

// levels lists the versions this build can run: the Go versions serve
// every tile.
var levels = []level{generic}

func inputArch(dst []float32, ld int, plane []float32, lds, h, w, r0, c0, n, next int) bool {
	return false
}

func outputArch(dst []float32, ldd, rows, w int, src []float32, ld, n int, bias float32, next int) bool {
	return false
}

func gradArch(dst []float32, ld int, src []float32, lds, rows, w, n, next int) bool {
	return false
}
