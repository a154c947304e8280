//go:build (amd64 && !amd64.v3) || 386

package gemm

// genericTile is the tile function of the generic kernel in this build,
// which has sixteen (amd64) or eight (386) registers and does not fuse a
// multiply and an add.
var genericTile = kernelGeneric2x3
