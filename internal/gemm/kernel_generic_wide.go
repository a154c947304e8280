//go:build !amd64 && !386 && !s390x

package gemm

// genericTile is the tile function of the generic kernel in this build,
// which has thirty-two floating-point registers (arm64 and the other RISC
// machines) or as many locals as it needs (wasm).
var genericTile = kernelGeneric4x4
