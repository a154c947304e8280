//go:build !purego

#include "textflag.h"

// func transposeAVX512(dst *float32, ldd int, src *float32, lds, rows, cols int)
//
// The source is cut into blocks of 16×16 elements, row block by row block
// and, within one, column block by column block, so that the loads walk
// along the source's rows and the stores fill a band of 16 columns of dst.
// A block of r ≤ 16 rows and c ≤ 16 columns is loaded in r vectors under
// the mask of its c columns (so nothing past a row's last column is read,
// and a masked lane never faults), transposed in the registers, and its
// first c vectors are stored under the mask of the r lanes that hold
// source rows. Vectors Z(r)…Z15 are left as they were: their lanes go only
// to the lanes the stores leave out.
//
// The transposition takes four rounds of 16 shuffles. Within each 128-bit
// lane, VUNPCKLPS and VUNPCKHPS interleave pairs of rows and VSHUFPS pairs
// of those, which leaves in each lane a 4×4 block transposed; two rounds
// of VSHUFF32X4 then move the 128-bit lanes to their places, after which
// Zj holds column j of the block.
//
// Registers: DI dst at the row block's first column, DX ldd in bytes, R15
// 16 rows of dst in bytes, SI src at the row block's first row, R8 lds in
// bytes, AX rows left, BX cols, R9 and R10 the block in src and dst, R11
// the row of a load or a store, R12 r, R13 c, R14 columns left.
TEXT ·transposeAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R8
	MOVQ rows+32(FP), AX
	MOVQ cols+40(FP), BX
	SHLQ $2, DX
	SHLQ $2, R8
	MOVQ DX, R15
	SHLQ $4, R15

rowblock:
	// r = min(rows left, 16), and K2 the mask of its lanes.
	MOVQ    $16, R12
	CMPQ    AX, R12
	CMOVQLT AX, R12
	MOVL    $1, R11
	MOVQ    R12, CX
	SHLL    CX, R11
	DECL    R11
	KMOVW   R11, K2
	MOVQ    SI, R9
	MOVQ    DI, R10
	MOVQ    BX, R14

colblock:
	// c = min(columns left, 16), and K1 the mask of its lanes.
	MOVQ    $16, R13
	CMPQ    R14, R13
	CMOVQLT R14, R13
	MOVL    $1, R11
	MOVQ    R13, CX
	SHLL    CX, R11
	DECL    R11
	KMOVW   R11, K1

	MOVQ      R9, R11
	VMOVUPS.Z (R11), K1, Z0
	CMPQ      R12, $1
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z1
	CMPQ      R12, $2
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z2
	CMPQ      R12, $3
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z3
	CMPQ      R12, $4
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z4
	CMPQ      R12, $5
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z5
	CMPQ      R12, $6
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z6
	CMPQ      R12, $7
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z7
	CMPQ      R12, $8
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z8
	CMPQ      R12, $9
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z9
	CMPQ      R12, $10
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z10
	CMPQ      R12, $11
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z11
	CMPQ      R12, $12
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z12
	CMPQ      R12, $13
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z13
	CMPQ      R12, $14
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z14
	CMPQ      R12, $15
	JLE       loaded
	ADDQ      R8, R11
	VMOVUPS.Z (R11), K1, Z15

loaded:
	VUNPCKLPS Z1, Z0, Z16
	VUNPCKHPS Z1, Z0, Z17
	VUNPCKLPS Z3, Z2, Z18
	VUNPCKHPS Z3, Z2, Z19
	VUNPCKLPS Z5, Z4, Z20
	VUNPCKHPS Z5, Z4, Z21
	VUNPCKLPS Z7, Z6, Z22
	VUNPCKHPS Z7, Z6, Z23
	VUNPCKLPS Z9, Z8, Z24
	VUNPCKHPS Z9, Z8, Z25
	VUNPCKLPS Z11, Z10, Z26
	VUNPCKHPS Z11, Z10, Z27
	VUNPCKLPS Z13, Z12, Z28
	VUNPCKHPS Z13, Z12, Z29
	VUNPCKLPS Z15, Z14, Z30
	VUNPCKHPS Z15, Z14, Z31

	VSHUFPS $0x44, Z18, Z16, Z0
	VSHUFPS $0xEE, Z18, Z16, Z1
	VSHUFPS $0x44, Z19, Z17, Z2
	VSHUFPS $0xEE, Z19, Z17, Z3
	VSHUFPS $0x44, Z22, Z20, Z4
	VSHUFPS $0xEE, Z22, Z20, Z5
	VSHUFPS $0x44, Z23, Z21, Z6
	VSHUFPS $0xEE, Z23, Z21, Z7
	VSHUFPS $0x44, Z26, Z24, Z8
	VSHUFPS $0xEE, Z26, Z24, Z9
	VSHUFPS $0x44, Z27, Z25, Z10
	VSHUFPS $0xEE, Z27, Z25, Z11
	VSHUFPS $0x44, Z30, Z28, Z12
	VSHUFPS $0xEE, Z30, Z28, Z13
	VSHUFPS $0x44, Z31, Z29, Z14
	VSHUFPS $0xEE, Z31, Z29, Z15

	VSHUFF32X4 $0x88, Z4, Z0, Z16
	VSHUFF32X4 $0xDD, Z4, Z0, Z20
	VSHUFF32X4 $0x88, Z12, Z8, Z24
	VSHUFF32X4 $0xDD, Z12, Z8, Z28
	VSHUFF32X4 $0x88, Z5, Z1, Z17
	VSHUFF32X4 $0xDD, Z5, Z1, Z21
	VSHUFF32X4 $0x88, Z13, Z9, Z25
	VSHUFF32X4 $0xDD, Z13, Z9, Z29
	VSHUFF32X4 $0x88, Z6, Z2, Z18
	VSHUFF32X4 $0xDD, Z6, Z2, Z22
	VSHUFF32X4 $0x88, Z14, Z10, Z26
	VSHUFF32X4 $0xDD, Z14, Z10, Z30
	VSHUFF32X4 $0x88, Z7, Z3, Z19
	VSHUFF32X4 $0xDD, Z7, Z3, Z23
	VSHUFF32X4 $0x88, Z15, Z11, Z27
	VSHUFF32X4 $0xDD, Z15, Z11, Z31

	VSHUFF32X4 $0x88, Z24, Z16, Z0
	VSHUFF32X4 $0x88, Z28, Z20, Z4
	VSHUFF32X4 $0xDD, Z24, Z16, Z8
	VSHUFF32X4 $0xDD, Z28, Z20, Z12
	VSHUFF32X4 $0x88, Z25, Z17, Z1
	VSHUFF32X4 $0x88, Z29, Z21, Z5
	VSHUFF32X4 $0xDD, Z25, Z17, Z9
	VSHUFF32X4 $0xDD, Z29, Z21, Z13
	VSHUFF32X4 $0x88, Z26, Z18, Z2
	VSHUFF32X4 $0x88, Z30, Z22, Z6
	VSHUFF32X4 $0xDD, Z26, Z18, Z10
	VSHUFF32X4 $0xDD, Z30, Z22, Z14
	VSHUFF32X4 $0x88, Z27, Z19, Z3
	VSHUFF32X4 $0x88, Z31, Z23, Z7
	VSHUFF32X4 $0xDD, Z27, Z19, Z11
	VSHUFF32X4 $0xDD, Z31, Z23, Z15

	MOVQ    R10, R11
	VMOVUPS Z0, K2, (R11)
	CMPQ    R13, $1
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z1, K2, (R11)
	CMPQ    R13, $2
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z2, K2, (R11)
	CMPQ    R13, $3
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z3, K2, (R11)
	CMPQ    R13, $4
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z4, K2, (R11)
	CMPQ    R13, $5
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z5, K2, (R11)
	CMPQ    R13, $6
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z6, K2, (R11)
	CMPQ    R13, $7
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z7, K2, (R11)
	CMPQ    R13, $8
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z8, K2, (R11)
	CMPQ    R13, $9
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z9, K2, (R11)
	CMPQ    R13, $10
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z10, K2, (R11)
	CMPQ    R13, $11
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z11, K2, (R11)
	CMPQ    R13, $12
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z12, K2, (R11)
	CMPQ    R13, $13
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z13, K2, (R11)
	CMPQ    R13, $14
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z14, K2, (R11)
	CMPQ    R13, $15
	JLE     stored
	ADDQ    DX, R11
	VMOVUPS Z15, K2, (R11)

stored:
	ADDQ $64, R9
	ADDQ R15, R10
	SUBQ $16, R14
	JGT  colblock

	MOVQ R8, R11
	SHLQ $4, R11
	ADDQ R11, SI
	ADDQ $64, DI
	SUBQ $16, AX
	JGT  rowblock

	VZEROUPPER
	RET

// func transposeAVX2(dst *float32, ldd int, src *float32, lds, rows, cols int)
//
// The source is cut into blocks of 8×8 elements, in the order of the
// AVX-512 version; rows and cols are multiples of 8, the caller moves the
// rest. Within each 128-bit lane VUNPCKLPS, VUNPCKHPS and VSHUFPS
// transpose 4×4 blocks, and VPERM2F128 puts the lanes in their places,
// after which Y(8+j) holds column j of the block.
//
// Registers: DI dst at the row block's first column, DX ldd in bytes, R15
// 8 rows of dst in bytes, SI src at the row block's first row, R8 lds in
// bytes, AX rows left, BX cols, R9 and R10 the block in src and dst, R11
// the row of a load or a store, R14 columns left.
TEXT ·transposeAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R8
	MOVQ rows+32(FP), AX
	MOVQ cols+40(FP), BX
	SHLQ $2, DX
	SHLQ $2, R8
	MOVQ DX, R15
	SHLQ $3, R15

rowblock8:
	MOVQ SI, R9
	MOVQ DI, R10
	MOVQ BX, R14

colblock8:
	MOVQ    R9, R11
	VMOVUPS (R11), Y0
	ADDQ    R8, R11
	VMOVUPS (R11), Y1
	ADDQ    R8, R11
	VMOVUPS (R11), Y2
	ADDQ    R8, R11
	VMOVUPS (R11), Y3
	ADDQ    R8, R11
	VMOVUPS (R11), Y4
	ADDQ    R8, R11
	VMOVUPS (R11), Y5
	ADDQ    R8, R11
	VMOVUPS (R11), Y6
	ADDQ    R8, R11
	VMOVUPS (R11), Y7

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y7, Y3, Y15

	MOVQ    R10, R11
	VMOVUPS Y8, (R11)
	ADDQ    DX, R11
	VMOVUPS Y9, (R11)
	ADDQ    DX, R11
	VMOVUPS Y10, (R11)
	ADDQ    DX, R11
	VMOVUPS Y11, (R11)
	ADDQ    DX, R11
	VMOVUPS Y12, (R11)
	ADDQ    DX, R11
	VMOVUPS Y13, (R11)
	ADDQ    DX, R11
	VMOVUPS Y14, (R11)
	ADDQ    DX, R11
	VMOVUPS Y15, (R11)

	ADDQ $32, R9
	ADDQ R15, R10
	SUBQ $8, R14
	JGT  colblock8

	MOVQ R8, R11
	SHLQ $3, R11
	ADDQ R11, SI
	ADDQ $32, DI
	SUBQ $8, AX
	JGT  rowblock8

	VZEROUPPER
	RET
