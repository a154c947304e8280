//go:build !purego

#include "textflag.h"

// func transposeRows4(k int, a *float32, lda int, dst *float32)
//
// Eight floats of each of the four rows are transposed in registers:
// unpacking interleaves pairs of rows, shuffling gathers the four rows of
// one column per 128-bit lane (columns p and p+4 in the two lanes), and
// the lane permutes put the columns in order.
TEXT ·transposeRows4(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	SHLQ $2, R8
	MOVQ dst+24(FP), DI
	LEAQ (SI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R10)(R8*1), R11

rows4:
	VMOVUPS    (SI), Y0
	VMOVUPS    (R9), Y1
	VMOVUPS    (R10), Y2
	VMOVUPS    (R11), Y3
	VUNPCKLPS  Y1, Y0, Y4
	VUNPCKHPS  Y1, Y0, Y5
	VUNPCKLPS  Y3, Y2, Y6
	VUNPCKHPS  Y3, Y2, Y7
	VSHUFPS    $0x44, Y6, Y4, Y0
	VSHUFPS    $0xEE, Y6, Y4, Y1
	VSHUFPS    $0x44, Y7, Y5, Y2
	VSHUFPS    $0xEE, Y7, Y5, Y3
	VPERM2F128 $0x20, Y1, Y0, Y4
	VPERM2F128 $0x20, Y3, Y2, Y5
	VPERM2F128 $0x31, Y1, Y0, Y6
	VPERM2F128 $0x31, Y3, Y2, Y7
	VMOVUPS    Y4, (DI)
	VMOVUPS    Y5, 32(DI)
	VMOVUPS    Y6, 64(DI)
	VMOVUPS    Y7, 96(DI)
	ADDQ       $32, SI
	ADDQ       $32, R9
	ADDQ       $32, R10
	ADDQ       $32, R11
	ADDQ       $128, DI
	SUBQ       $8, CX
	JNZ        rows4
	VZEROUPPER
	RET
