//go:build !amd64 || purego

package wino

// levels lists the versions this build can run: the Go versions serve
// every tile.
var levels = []level{generic}

func inputArch(dst []float32, ld int, src []float32, lds, n int) int { return 0 }

func outputArch(dst []float32, ldd int, src []float32, ld, n int, bias float32) int { return 0 }

func gradArch(dst []float32, ld int, src []float32, lds, n int) int { return 0 }
