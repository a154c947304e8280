//go:build amd64.v3 || s390x

package gemm

// genericTile is the tile function of the generic kernel in this build,
// which has sixteen floating-point registers and fuses s += a·b into one multiply-add.
var genericTile = kernelGeneric2x4
