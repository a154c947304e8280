//go:build !purego

#include "textflag.h"

// LOADS loads 16 elements of each row of A, at byte offset DI, into
// Z16…Z19 and of each row of b, at byte offset SI, into Z20…Z23;
// LOADSMASKED loads the lanes of K1 and zeroes the others.
#define LOADS \
	VMOVUPS (R8)(DI*1), Z16; \
	VMOVUPS (R9)(DI*1), Z17; \
	VMOVUPS (R10)(DI*1), Z18; \
	VMOVUPS (R11)(DI*1), Z19; \
	VMOVUPS (R12)(SI*1), Z20; \
	VMOVUPS (R13)(SI*1), Z21; \
	VMOVUPS (AX)(SI*1), Z22; \
	VMOVUPS (BX)(SI*1), Z23

#define LOADSMASKED \
	VMOVUPS.Z (R8)(DI*1), K1, Z16; \
	VMOVUPS.Z (R9)(DI*1), K1, Z17; \
	VMOVUPS.Z (R10)(DI*1), K1, Z18; \
	VMOVUPS.Z (R11)(DI*1), K1, Z19; \
	VMOVUPS.Z (R12)(SI*1), K1, Z20; \
	VMOVUPS.Z (R13)(SI*1), K1, Z21; \
	VMOVUPS.Z (AX)(SI*1), K1, Z22; \
	VMOVUPS.Z (BX)(SI*1), K1, Z23

// REDUCE adds the sixteen lanes of zi in halves (l and l+8, l and l+4, l
// and l+2, l and l+1) and stores the total at off(DX), with Z16 as
// scratch; only AVX-512F instructions touch the upper registers.
#define REDUCE(zi, xi, off) \
	VEXTRACTF64X4 $1, zi, Y16;    \
	VADDPS        Z16, zi, zi;    \
	VEXTRACTF32X4 $1, zi, X16;    \
	VADDPS        Z16, zi, zi;    \
	VPERMILPS     $0x0e, zi, Z16; \
	VADDPS        Z16, zi, zi;    \
	VPERMILPS     $0x01, zi, Z16; \
	VADDPS        Z16, zi, zi;    \
	VMOVSS        xi, off(DX)

// func dotRuns4x4(ptrs *[8]unsafe.Pointer, segs *Segment, nseg int, s *[16]float32)
//
// Z(4r+q) holds the sixteen partial sums of row r of A against row q of
// b. DX walks the segments, each three words (Pos, N, Off), up to R14.
TEXT ·dotRuns4x4(SB), NOSPLIT, $0-32
	MOVQ ptrs+0(FP), DI
	MOVQ 0(DI), R8
	MOVQ 8(DI), R9
	MOVQ 16(DI), R10
	MOVQ 24(DI), R11
	MOVQ 32(DI), R12
	MOVQ 40(DI), R13
	MOVQ 48(DI), AX
	MOVQ 56(DI), BX
	MOVQ segs+8(FP), DX
	MOVQ nseg+16(FP), R14
	LEAQ (R14)(R14*2), R14
	LEAQ (DX)(R14*8), R14

	VXORPS X0, X0, X0
	VXORPS X1, X1, X1
	VXORPS X2, X2, X2
	VXORPS X3, X3, X3
	VXORPS X4, X4, X4
	VXORPS X5, X5, X5
	VXORPS X6, X6, X6
	VXORPS X7, X7, X7
	VXORPS X8, X8, X8
	VXORPS X9, X9, X9
	VXORPS X10, X10, X10
	VXORPS X11, X11, X11
	VXORPS X12, X12, X12
	VXORPS X13, X13, X13
	VXORPS X14, X14, X14
	VXORPS X15, X15, X15

segment:
	MOVQ 0(DX), DI
	SHLQ $2, DI
	MOVQ 8(DX), CX
	MOVQ 16(DX), SI
	SHLQ $2, SI
	CMPQ CX, $16
	JLT  tail

loop:
	LOADS
	VFMADD231PS Z20, Z16, Z0
	VFMADD231PS Z21, Z16, Z1
	VFMADD231PS Z22, Z16, Z2
	VFMADD231PS Z23, Z16, Z3
	VFMADD231PS Z20, Z17, Z4
	VFMADD231PS Z21, Z17, Z5
	VFMADD231PS Z22, Z17, Z6
	VFMADD231PS Z23, Z17, Z7
	VFMADD231PS Z20, Z18, Z8
	VFMADD231PS Z21, Z18, Z9
	VFMADD231PS Z22, Z18, Z10
	VFMADD231PS Z23, Z18, Z11
	VFMADD231PS Z20, Z19, Z12
	VFMADD231PS Z21, Z19, Z13
	VFMADD231PS Z22, Z19, Z14
	VFMADD231PS Z23, Z19, Z15
	ADDQ $64, DI
	ADDQ $64, SI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  loop

tail:
	// The last N mod 16 elements, loaded and summed under the mask K1 so
	// that the other lanes keep their sums as they are.
	TESTQ CX, CX
	JEQ   next
	MOVL  $1, R15
	SHLL  CX, R15
	DECL  R15
	KMOVW R15, K1
	LOADSMASKED
	VFMADD231PS Z20, Z16, K1, Z0
	VFMADD231PS Z21, Z16, K1, Z1
	VFMADD231PS Z22, Z16, K1, Z2
	VFMADD231PS Z23, Z16, K1, Z3
	VFMADD231PS Z20, Z17, K1, Z4
	VFMADD231PS Z21, Z17, K1, Z5
	VFMADD231PS Z22, Z17, K1, Z6
	VFMADD231PS Z23, Z17, K1, Z7
	VFMADD231PS Z20, Z18, K1, Z8
	VFMADD231PS Z21, Z18, K1, Z9
	VFMADD231PS Z22, Z18, K1, Z10
	VFMADD231PS Z23, Z18, K1, Z11
	VFMADD231PS Z20, Z19, K1, Z12
	VFMADD231PS Z21, Z19, K1, Z13
	VFMADD231PS Z22, Z19, K1, Z14
	VFMADD231PS Z23, Z19, K1, Z15

next:
	ADDQ $24, DX
	CMPQ DX, R14
	JLT  segment

	MOVQ s+24(FP), DX
	REDUCE(Z0, X0, 0)
	REDUCE(Z1, X1, 4)
	REDUCE(Z2, X2, 8)
	REDUCE(Z3, X3, 12)
	REDUCE(Z4, X4, 16)
	REDUCE(Z5, X5, 20)
	REDUCE(Z6, X6, 24)
	REDUCE(Z7, X7, 28)
	REDUCE(Z8, X8, 32)
	REDUCE(Z9, X9, 36)
	REDUCE(Z10, X10, 40)
	REDUCE(Z11, X11, 44)
	REDUCE(Z12, X12, 48)
	REDUCE(Z13, X13, 52)
	REDUCE(Z14, X14, 56)
	REDUCE(Z15, X15, 60)
	VZEROUPPER
	RET
