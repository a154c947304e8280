package wino

// The Go versions serve every tile.

func inputArch(dst []float32, ld int, src []float32, lds, n int) int { return 0 }

func outputArch(dst []float32, ldd int, src []float32, ld, n int, bias float32) int { return 0 }

func gradArch(dst []float32, ld int, src []float32, lds, n int) int { return 0 }

const fast = false
