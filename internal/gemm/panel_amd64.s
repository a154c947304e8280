//go:build !purego

#include "textflag.h"

// func gatherTaps64(dst *float32, rows int, src *float32, sc, off0, t0, taps int, bases *int, masks *uint64)
TEXT ·gatherTaps64(SB), NOSPLIT, $0-72
	MOVQ dst+0(FP), DI
	MOVQ rows+8(FP), CX
	MOVQ src+16(FP), SI
	MOVQ sc+24(FP), R10
	SHLQ $2, R10
	MOVQ off0+32(FP), R12
	SHLQ $2, R12
	MOVQ t0+40(FP), R13
	MOVQ taps+48(FP), AX
	MOVQ bases+56(FP), BX
	MOVQ masks+64(FP), R8

tloop:
	MOVQ  (R8)(R13*8), R11
	TESTQ R11, R11
	JEQ   tskip
	KMOVW R11, K1
	SHRQ  $16, R11
	KMOVW R11, K2
	SHRQ  $16, R11
	KMOVW R11, K3
	SHRQ  $16, R11
	KMOVW R11, K4
	MOVQ  (BX)(R13*8), DX
	LEAQ  (SI)(DX*4), R9
	ADDQ  R12, R9
	PREFETCHT0 256(R9)
	PREFETCHT0 320(R9)
	PREFETCHT0 384(R9)
	PREFETCHT0 448(R9)
	VMOVUPS.Z (R9), K1, Z0
	VMOVUPS.Z 64(R9), K2, Z1
	VMOVUPS.Z 128(R9), K3, Z2
	VMOVUPS.Z 192(R9), K4, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)

tskip:
	ADDQ $256, DI
	INCQ R13
	CMPQ R13, AX
	JNE  tnext
	XORQ R13, R13
	ADDQ R10, R12

tnext:
	DECQ CX
	JNE  tloop
	VZEROUPPER
	RET

// func transposeRows8(k int, rows *[8]*float32, dst *float32, ldd int)
//
// Eight floats of each of the eight rows are transposed in registers as
// TRANSPOSE8 of kernel_amd64.s does: unpacking interleaves pairs of rows,
// shuffling gathers four rows per 128-bit lane, and the lane permutes join
// the halves.
TEXT ·transposeRows8(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), AX
	SHLQ $2, AX
	MOVQ rows+8(FP), CX
	MOVQ 0(CX), R8
	MOVQ 8(CX), R9
	MOVQ 16(CX), R10
	MOVQ 24(CX), R11
	MOVQ 32(CX), R12
	MOVQ 40(CX), SI
	MOVQ 48(CX), BX
	MOVQ 56(CX), DX
	MOVQ dst+16(FP), DI
	MOVQ ldd+24(FP), R13
	SHLQ $2, R13
	XORQ CX, CX

rows8:
	VMOVUPS    (R8)(CX*1), Y0
	VMOVUPS    (R9)(CX*1), Y1
	VMOVUPS    (R10)(CX*1), Y2
	VMOVUPS    (R11)(CX*1), Y3
	VMOVUPS    (R12)(CX*1), Y4
	VMOVUPS    (SI)(CX*1), Y5
	VMOVUPS    (BX)(CX*1), Y6
	VMOVUPS    (DX)(CX*1), Y7
	VUNPCKLPS  Y1, Y0, Y8
	VUNPCKHPS  Y1, Y0, Y9
	VUNPCKLPS  Y3, Y2, Y10
	VUNPCKHPS  Y3, Y2, Y11
	VUNPCKLPS  Y5, Y4, Y12
	VUNPCKHPS  Y5, Y4, Y13
	VUNPCKLPS  Y7, Y6, Y14
	VUNPCKHPS  Y7, Y6, Y15
	VSHUFPS    $0x44, Y10, Y8, Y0
	VSHUFPS    $0xEE, Y10, Y8, Y1
	VSHUFPS    $0x44, Y11, Y9, Y2
	VSHUFPS    $0xEE, Y11, Y9, Y3
	VSHUFPS    $0x44, Y14, Y12, Y4
	VSHUFPS    $0xEE, Y14, Y12, Y5
	VSHUFPS    $0x44, Y15, Y13, Y6
	VSHUFPS    $0xEE, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS    Y8, (DI)
	ADDQ       R13, DI
	VMOVUPS    Y9, (DI)
	ADDQ       R13, DI
	VMOVUPS    Y10, (DI)
	ADDQ       R13, DI
	VMOVUPS    Y11, (DI)
	ADDQ       R13, DI
	VMOVUPS    Y12, (DI)
	ADDQ       R13, DI
	VMOVUPS    Y13, (DI)
	ADDQ       R13, DI
	VMOVUPS    Y14, (DI)
	ADDQ       R13, DI
	VMOVUPS    Y15, (DI)
	ADDQ       R13, DI
	ADDQ       $32, CX
	CMPQ       CX, AX
	JLT        rows8

	VZEROUPPER
	RET
