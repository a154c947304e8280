//go:build !purego

#include "textflag.h"

// STEP accumulates one column of the A micro-panel, found at off(AX),
// against one row of B̃ whose two halves are at b0 and b1: row i of the
// tile lives in Y(2i) and Y(2i+1), Y12 and Y13 hold the B row and Y14 and
// Y15 alternate as the broadcast A element so that consecutive broadcasts
// do not wait on each other.
#define STEP(off, b0, b1) \
	VMOVUPS      b0, Y12;          \
	VMOVUPS      b1, Y13;          \
	VBROADCASTSS off(AX), Y14;     \
	VFMADD231PS  Y12, Y14, Y0;     \
	VFMADD231PS  Y13, Y14, Y1;     \
	VBROADCASTSS off+4(AX), Y15;   \
	VFMADD231PS  Y12, Y15, Y2;     \
	VFMADD231PS  Y13, Y15, Y3;     \
	VBROADCASTSS off+8(AX), Y14;   \
	VFMADD231PS  Y12, Y14, Y4;     \
	VFMADD231PS  Y13, Y14, Y5;     \
	VBROADCASTSS off+12(AX), Y15;  \
	VFMADD231PS  Y12, Y15, Y6;     \
	VFMADD231PS  Y13, Y15, Y7;     \
	VBROADCASTSS off+16(AX), Y14;  \
	VFMADD231PS  Y12, Y14, Y8;     \
	VFMADD231PS  Y13, Y14, Y9;     \
	VBROADCASTSS off+20(AX), Y15;  \
	VFMADD231PS  Y12, Y15, Y10;    \
	VFMADD231PS  Y13, Y15, Y11

// STEP4 is STEP for the first four rows of the tile.
#define STEP4(off, b0, b1) \
	VMOVUPS      b0, Y12;          \
	VMOVUPS      b1, Y13;          \
	VBROADCASTSS off(AX), Y14;     \
	VFMADD231PS  Y12, Y14, Y0;     \
	VFMADD231PS  Y13, Y14, Y1;     \
	VBROADCASTSS off+4(AX), Y15;   \
	VFMADD231PS  Y12, Y15, Y2;     \
	VFMADD231PS  Y13, Y15, Y3;     \
	VBROADCASTSS off+8(AX), Y14;   \
	VFMADD231PS  Y12, Y14, Y4;     \
	VFMADD231PS  Y13, Y14, Y5;     \
	VBROADCASTSS off+12(AX), Y15;  \
	VFMADD231PS  Y12, Y15, Y6;     \
	VFMADD231PS  Y13, Y15, Y7

// STORE writes a row of the tile, held in ra and rb, to (DI) as
// alpha·acc + beta·C, with alpha in Y14 and beta in Y15, and moves DI to
// the next row.
#define STORE(ra, rb) \
	VMULPS      Y14, ra, ra;    \
	VMULPS      Y14, rb, rb;    \
	VFMADD231PS (DI), Y15, ra;  \
	VFMADD231PS 32(DI), Y15, rb; \
	VMOVUPS     ra, (DI);       \
	VMOVUPS     rb, 32(DI);     \
	ADDQ        DX, DI

// STOREZERO writes a row of the tile as alpha·acc without reading C.
#define STOREZERO(ra, rb) \
	VMULPS  Y14, ra, ra; \
	VMULPS  Y14, rb, rb; \
	VMOVUPS ra, (DI);    \
	VMOVUPS rb, 32(DI);  \
	ADDQ    DX, DI

// func kernel6x16(k, rows int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel6x16(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ rows+8(FP), R8
	MOVQ a+16(FP), AX
	MOVQ b+24(FP), BX
	MOVQ ldb+32(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R11
	MOVQ c+40(FP), DI
	MOVQ ldc+48(FP), DX
	SHLQ $2, DX

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	CMPQ R8, $4
	JGT  rows6

	// At most four rows matter: skip the multiply-adds of the last two
	// rows, whose sums stay zero. The eight remaining chains still keep
	// both FMA units busy.
	CMPQ CX, $4
	JLT  tail4

loop4rows4:
	STEP4(0, (BX), 32(BX))
	STEP4(24, (BX)(R9*1), 32(BX)(R9*1))
	STEP4(48, (BX)(R9*2), 32(BX)(R9*2))
	STEP4(72, (BX)(R11*1), 32(BX)(R11*1))
	ADDQ $96, AX
	LEAQ (BX)(R9*4), BX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  loop4rows4

tail4:
	TESTQ CX, CX
	JEQ   store

tail1rows4:
	STEP4(0, (BX), 32(BX))
	ADDQ $24, AX
	ADDQ R9, BX
	DECQ CX
	JNZ  tail1rows4
	JMP  store

rows6:
	CMPQ CX, $4
	JLT  tail

loop4:
	STEP(0, (BX), 32(BX))
	STEP(24, (BX)(R9*1), 32(BX)(R9*1))
	STEP(48, (BX)(R9*2), 32(BX)(R9*2))
	STEP(72, (BX)(R11*1), 32(BX)(R11*1))
	ADDQ $96, AX
	LEAQ (BX)(R9*4), BX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  loop4

tail:
	TESTQ CX, CX
	JEQ   store

tail1:
	STEP(0, (BX), 32(BX))
	ADDQ $24, AX
	ADDQ R9, BX
	DECQ CX
	JNZ  tail1

store:
	VBROADCASTSS alpha+56(FP), Y14
	MOVL         beta+60(FP), R8
	TESTL        $0x7fffffff, R8
	JEQ          storezero
	VBROADCASTSS beta+60(FP), Y15
	STORE(Y0, Y1)
	STORE(Y2, Y3)
	STORE(Y4, Y5)
	STORE(Y6, Y7)
	STORE(Y8, Y9)
	STORE(Y10, Y11)
	VZEROUPPER
	RET

storezero:
	STOREZERO(Y0, Y1)
	STOREZERO(Y2, Y3)
	STOREZERO(Y4, Y5)
	STOREZERO(Y6, Y7)
	STOREZERO(Y8, Y9)
	STOREZERO(Y10, Y11)
	VZEROUPPER
	RET

// TRANSPOSE8 transposes the 8×8 block held in rows Y0…Y7 and stores its
// rows R13 bytes apart from off(DI), the row stride of the B micro-panel,
// with AX holding three strides, BX five and DX seven. Unpacking interleaves pairs
// of rows, shuffling gathers four rows per 128-bit lane, and the lane
// permutes join the halves.
#define TRANSPOSE8(off) \
	VUNPCKLPS  Y1, Y0, Y8;          \
	VUNPCKHPS  Y1, Y0, Y9;          \
	VUNPCKLPS  Y3, Y2, Y10;         \
	VUNPCKHPS  Y3, Y2, Y11;         \
	VUNPCKLPS  Y5, Y4, Y12;         \
	VUNPCKHPS  Y5, Y4, Y13;         \
	VUNPCKLPS  Y7, Y6, Y14;         \
	VUNPCKHPS  Y7, Y6, Y15;         \
	VSHUFPS    $0x44, Y10, Y8, Y0;  \
	VSHUFPS    $0xEE, Y10, Y8, Y1;  \
	VSHUFPS    $0x44, Y11, Y9, Y2;  \
	VSHUFPS    $0xEE, Y11, Y9, Y3;  \
	VSHUFPS    $0x44, Y14, Y12, Y4; \
	VSHUFPS    $0xEE, Y14, Y12, Y5; \
	VSHUFPS    $0x44, Y15, Y13, Y6; \
	VSHUFPS    $0xEE, Y15, Y13, Y7; \
	VPERM2F128 $0x20, Y4, Y0, Y8;   \
	VPERM2F128 $0x20, Y5, Y1, Y9;   \
	VPERM2F128 $0x20, Y6, Y2, Y10;  \
	VPERM2F128 $0x20, Y7, Y3, Y11;  \
	VPERM2F128 $0x31, Y4, Y0, Y12;  \
	VPERM2F128 $0x31, Y5, Y1, Y13;  \
	VPERM2F128 $0x31, Y6, Y2, Y14;  \
	VPERM2F128 $0x31, Y7, Y3, Y15;  \
	VMOVUPS    Y8, off(DI);         \
	VMOVUPS    Y9, off(DI)(R13*1);  \
	VMOVUPS    Y10, off(DI)(R13*2); \
	VMOVUPS    Y11, off(DI)(AX*1);  \
	VMOVUPS    Y12, off(DI)(R13*4); \
	VMOVUPS    Y13, off(DI)(BX*1);  \
	VMOVUPS    Y14, off(DI)(AX*2);  \
	VMOVUPS    Y15, off(DI)(DX*1)

// LOAD8 loads eight floats from each of the rows at (r0), (r0)(R8),
// (r0)(R8*2), (r0)(R9) and the same from r4, with R8 the row stride and R9
// three strides.
#define LOAD8(r0, r4) \
	VMOVUPS (r0), Y0;       \
	VMOVUPS (r0)(R8*1), Y1; \
	VMOVUPS (r0)(R8*2), Y2; \
	VMOVUPS (r0)(R9*1), Y3; \
	VMOVUPS (r4), Y4;       \
	VMOVUPS (r4)(R8*1), Y5; \
	VMOVUPS (r4)(R8*2), Y6; \
	VMOVUPS (r4)(R9*1), Y7

// func transpose16(k int, src *float32, ld int, dst *float32, ldd int)
TEXT ·transpose16(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ dst+24(FP), DI
	MOVQ ldd+32(FP), R13
	SHLQ $2, R13
	LEAQ (R13)(R13*2), AX
	LEAQ (R13)(R13*4), BX
	LEAQ (AX)(R13*4), DX
	LEAQ (R8)(R8*2), R9
	LEAQ (SI)(R8*4), R10
	LEAQ (SI)(R8*8), R11
	LEAQ (R11)(R8*4), R12
	SHRQ $3, CX

transpose:
	LOAD8(SI, R10)
	TRANSPOSE8(0)
	LOAD8(R11, R12)
	TRANSPOSE8(32)
	ADDQ $32, SI
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $32, R12
	LEAQ (DI)(R13*8), DI
	DECQ CX
	JNZ  transpose

	VZEROUPPER
	RET

// ROWS4 adds to the four rows of the 16×16 tile held in z0…z3 the products
// of the B̃ row in zb with the four elements of Ã at off(AX), each
// broadcast from memory by the multiply-add itself.
#define ROWS4(off, zb, z0, z1, z2, z3) \
	VFMADD231PS.BCST off(AX), zb, z0;    \
	VFMADD231PS.BCST off+4(AX), zb, z1;  \
	VFMADD231PS.BCST off+8(AX), zb, z2;  \
	VFMADD231PS.BCST off+12(AX), zb, z3

// ROWSn(off, zb) does the same for the first n rows.
#define ROWS4x(off, zb) \
	ROWS4(off, zb, Z0, Z1, Z2, Z3)

#define ROWS8(off, zb) \
	ROWS4(off, zb, Z0, Z1, Z2, Z3); \
	ROWS4(off+16, zb, Z4, Z5, Z6, Z7)

#define ROWS12(off, zb) \
	ROWS8(off, zb); \
	ROWS4(off+32, zb, Z8, Z9, Z10, Z11)

#define ROWS16(off, zb) \
	ROWS12(off, zb); \
	ROWS4(off+48, zb, Z12, Z13, Z14, Z15)

// LOADB4 loads four consecutive rows of B̃, R10 bytes apart from (BX), into
// Z16…Z19 under the column mask K1, and moves BX past them. R12 holds
// 3·R10.
#define LOADB4 \
	VMOVUPS.Z (BX), K1, Z16;        \
	VMOVUPS.Z (BX)(R10*1), K1, Z17; \
	VMOVUPS.Z (BX)(R10*2), K1, Z18; \
	VMOVUPS.Z (BX)(R12*1), K1, Z19; \
	LEAQ      (BX)(R10*4), BX

// LOOP16 is the loop over p for the tile rows that ROWS(n) sums: four steps
// at a time, then one at a time.
#define LOOP16(ROWS, unrolled, tail1, next) \
	CMPQ CX, $4;          \
	JLT  next;            \
unrolled:                 \
	LOADB4;               \
	ROWS(0, Z16);         \
	ROWS(64, Z17);        \
	ROWS(128, Z18);       \
	ROWS(192, Z19);       \
	ADDQ $256, AX;        \
	SUBQ $4, CX;          \
	CMPQ CX, $4;          \
	JGE  unrolled;        \
	TESTQ CX, CX;         \
	JEQ  store16;         \
tail1:                    \
	VMOVUPS.Z (BX), K1, Z16; \
	ADDQ R10, BX;         \
	ROWS(0, Z16);         \
	ADDQ $64, AX;         \
	DECQ CX;              \
	JNZ  tail1;           \
	JMP  store16

// STORE16 writes the first cols lanes of a row of the tile, held in z, to
// (DI) as alpha·acc + beta·C, with alpha in Z30 and beta in Z31, and moves DI
// to the next row.
#define STORE16(z) \
	VMULPS      Z30, z, z;        \
	VMOVUPS.Z   (DI), K1, Z16;    \
	VFMADD231PS Z16, Z31, z;      \
	VMOVUPS     z, K1, (DI);      \
	ADDQ        DX, DI

// STOREZERO16 writes the first cols lanes of a row as alpha·acc without
// reading C.
#define STOREZERO16(z) \
	VMULPS  Z30, z, z;   \
	VMOVUPS z, K1, (DI); \
	ADDQ    DX, DI

// func kernel16x16(k, rows, cols int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel16x16(SB), NOSPLIT, $0-72
	MOVQ cols+16(FP), CX
	MOVL $1, R11
	SHLL CX, R11
	DECL R11
	KMOVW R11, K1
	MOVQ k+0(FP), CX
	MOVQ rows+8(FP), R8
	MOVQ a+24(FP), AX
	MOVQ b+32(FP), BX
	MOVQ ldb+40(FP), R10
	SHLQ $2, R10
	LEAQ (R10)(R10*2), R12
	MOVQ c+48(FP), DI
	MOVQ ldc+56(FP), DX
	SHLQ $2, DX

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

	// Rows past rows are zero in Ã; skip their multiply-adds four rows
	// at a time.
	CMPQ R8, $4
	JLE  rows4
	CMPQ R8, $8
	JLE  rows8
	CMPQ R8, $12
	JLE  rows12
	LOOP16(ROWS16, loop16, tail16, tail16)

rows12:
	LOOP16(ROWS12, loop12, tail12, tail12)

rows8:
	LOOP16(ROWS8, loop8, tail8, tail8)

rows4:
	LOOP16(ROWS4x, loop4, tail4, tail4)

store16:
	VBROADCASTSS alpha+64(FP), Z30
	MOVL         beta+68(FP), R11
	TESTL        $0x7fffffff, R11
	JEQ          storezero16
	VBROADCASTSS beta+68(FP), Z31
	STORE16(Z0)
	DECQ R8
	JEQ  done16
	STORE16(Z1)
	DECQ R8
	JEQ  done16
	STORE16(Z2)
	DECQ R8
	JEQ  done16
	STORE16(Z3)
	DECQ R8
	JEQ  done16
	STORE16(Z4)
	DECQ R8
	JEQ  done16
	STORE16(Z5)
	DECQ R8
	JEQ  done16
	STORE16(Z6)
	DECQ R8
	JEQ  done16
	STORE16(Z7)
	DECQ R8
	JEQ  done16
	STORE16(Z8)
	DECQ R8
	JEQ  done16
	STORE16(Z9)
	DECQ R8
	JEQ  done16
	STORE16(Z10)
	DECQ R8
	JEQ  done16
	STORE16(Z11)
	DECQ R8
	JEQ  done16
	STORE16(Z12)
	DECQ R8
	JEQ  done16
	STORE16(Z13)
	DECQ R8
	JEQ  done16
	STORE16(Z14)
	DECQ R8
	JEQ  done16
	STORE16(Z15)

done16:
	VZEROUPPER
	RET

storezero16:
	STOREZERO16(Z0)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z1)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z2)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z3)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z4)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z5)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z6)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z7)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z8)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z9)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z10)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z11)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z12)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z13)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z14)
	DECQ R8
	JEQ  done16
	STOREZERO16(Z15)
	VZEROUPPER
	RET

// FMA4x64 adds to one row of the 4×64 tile, held in z0…z3, the products of
// the B̃ row in zb0…zb3 with the element of Ã broadcast in za.
#define FMA4x64(za, zb0, zb1, zb2, zb3, z0, z1, z2, z3) \
	VFMADD231PS zb0, za, z0; \
	VFMADD231PS zb1, za, z1; \
	VFMADD231PS zb2, za, z2; \
	VFMADD231PS zb3, za, z3

// LOADB64 loads a row of B̃ at (BX) into zb0…zb3 under the column masks
// K1…K4 and moves BX to the next row, R10 bytes on.
#define LOADB64(zb0, zb1, zb2, zb3) \
	VMOVUPS.Z (BX), K1, zb0;    \
	VMOVUPS.Z 64(BX), K2, zb1;  \
	VMOVUPS.Z 128(BX), K3, zb2; \
	VMOVUPS.Z 192(BX), K4, zb3; \
	ADDQ      R10, BX

// STEP64n(off, zb0, zb1, zb2, zb3) accumulates the first n rows of the
// tile for the column of Ã at off(AX).
#define STEP64x1(off, zb0, zb1, zb2, zb3) \
	VBROADCASTSS off(AX), Z24; \
	FMA4x64(Z24, zb0, zb1, zb2, zb3, Z0, Z1, Z2, Z3)

#define STEP64x2(off, zb0, zb1, zb2, zb3) \
	STEP64x1(off, zb0, zb1, zb2, zb3); \
	VBROADCASTSS off+4(AX), Z25;       \
	FMA4x64(Z25, zb0, zb1, zb2, zb3, Z4, Z5, Z6, Z7)

#define STEP64x3(off, zb0, zb1, zb2, zb3) \
	STEP64x2(off, zb0, zb1, zb2, zb3); \
	VBROADCASTSS off+8(AX), Z26;       \
	FMA4x64(Z26, zb0, zb1, zb2, zb3, Z8, Z9, Z10, Z11)

#define STEP64x4(off, zb0, zb1, zb2, zb3) \
	STEP64x3(off, zb0, zb1, zb2, zb3); \
	VBROADCASTSS off+12(AX), Z27;      \
	FMA4x64(Z27, zb0, zb1, zb2, zb3, Z12, Z13, Z14, Z15)

// LOOP64 is the loop over p for the tile rows that STEP sums: two steps at
// a time, then the last one.
#define LOOP64(STEP, unrolled, next) \
	CMPQ CX, $2;                       \
	JLT  next;                         \
unrolled:                              \
	LOADB64(Z16, Z17, Z18, Z19);       \
	LOADB64(Z20, Z21, Z22, Z23);       \
	STEP(0, Z16, Z17, Z18, Z19);       \
	STEP(16, Z20, Z21, Z22, Z23);      \
	ADDQ $32, AX;                      \
	SUBQ $2, CX;                       \
	CMPQ CX, $2;                       \
	JGE  unrolled;                     \
next:                                  \
	TESTQ CX, CX;                      \
	JEQ  store64;                      \
	LOADB64(Z16, Z17, Z18, Z19);       \
	STEP(0, Z16, Z17, Z18, Z19);       \
	JMP  store64

// The same for tiles whose wanted columns all lie in the first half: two
// vectors per row.
#define FMA2x32(za, zb0, zb1, z0, z1) \
	VFMADD231PS zb0, za, z0; \
	VFMADD231PS zb1, za, z1

#define LOADB32(zb0, zb1) \
	VMOVUPS.Z (BX), K1, zb0;   \
	VMOVUPS.Z 64(BX), K2, zb1; \
	ADDQ      R10, BX

#define STEP32x1(off, zb0, zb1) \
	VBROADCASTSS off(AX), Z24; \
	FMA2x32(Z24, zb0, zb1, Z0, Z1)

#define STEP32x2(off, zb0, zb1) \
	STEP32x1(off, zb0, zb1);     \
	VBROADCASTSS off+4(AX), Z25; \
	FMA2x32(Z25, zb0, zb1, Z4, Z5)

#define STEP32x3(off, zb0, zb1) \
	STEP32x2(off, zb0, zb1);     \
	VBROADCASTSS off+8(AX), Z26; \
	FMA2x32(Z26, zb0, zb1, Z8, Z9)

#define STEP32x4(off, zb0, zb1) \
	STEP32x3(off, zb0, zb1);      \
	VBROADCASTSS off+12(AX), Z27; \
	FMA2x32(Z27, zb0, zb1, Z12, Z13)

#define LOOP32(STEP, unrolled, next) \
	CMPQ CX, $2;            \
	JLT  next;              \
unrolled:                   \
	LOADB32(Z16, Z17);      \
	LOADB32(Z20, Z21);      \
	STEP(0, Z16, Z17);      \
	STEP(16, Z20, Z21);     \
	ADDQ $32, AX;           \
	SUBQ $2, CX;            \
	CMPQ CX, $2;            \
	JGE  unrolled;          \
next:                       \
	TESTQ CX, CX;           \
	JEQ  store64;           \
	LOADB32(Z16, Z17);      \
	STEP(0, Z16, Z17);      \
	JMP  store64

// STORE64 writes the wanted columns of a row of the tile, held in z0…z3,
// to (DI) as alpha·acc + beta·C, with alpha in Z30 and beta in Z31, and
// moves DI to the next row.
#define STORE64(z0, z1, z2, z3) \
	VMULPS      Z30, z0, z0;      \
	VMULPS      Z30, z1, z1;      \
	VMULPS      Z30, z2, z2;      \
	VMULPS      Z30, z3, z3;      \
	VMOVUPS.Z   (DI), K1, Z16;    \
	VMOVUPS.Z   64(DI), K2, Z17;  \
	VMOVUPS.Z   128(DI), K3, Z18; \
	VMOVUPS.Z   192(DI), K4, Z19; \
	VFMADD231PS Z16, Z31, z0;     \
	VFMADD231PS Z17, Z31, z1;     \
	VFMADD231PS Z18, Z31, z2;     \
	VFMADD231PS Z19, Z31, z3;     \
	VMOVUPS     z0, K1, (DI);     \
	VMOVUPS     z1, K2, 64(DI);   \
	VMOVUPS     z2, K3, 128(DI);  \
	VMOVUPS     z3, K4, 192(DI);  \
	ADDQ        DX, DI

// STOREZERO64 writes the wanted columns of a row as alpha·acc without
// reading C.
#define STOREZERO64(z0, z1, z2, z3) \
	VMULPS  Z30, z0, z0;     \
	VMULPS  Z30, z1, z1;     \
	VMULPS  Z30, z2, z2;     \
	VMULPS  Z30, z3, z3;     \
	VMOVUPS z0, K1, (DI);    \
	VMOVUPS z1, K2, 64(DI);  \
	VMOVUPS z2, K3, 128(DI); \
	VMOVUPS z3, K4, 192(DI); \
	ADDQ    DX, DI

// func kernel4x64(k, rows int, masks uint64, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel4x64(SB), NOSPLIT, $0-72
	MOVQ  masks+16(FP), R11
	KMOVW R11, K1
	SHRQ  $16, R11
	KMOVW R11, K2
	SHRQ  $16, R11
	KMOVW R11, K3
	SHRQ  $16, R11
	KMOVW R11, K4
	MOVQ  k+0(FP), CX
	MOVQ  rows+8(FP), R8
	MOVQ  a+24(FP), AX
	MOVQ  b+32(FP), BX
	MOVQ  ldb+40(FP), R10
	SHLQ  $2, R10
	MOVQ  c+48(FP), DI
	MOVQ  ldc+56(FP), DX
	SHLQ  $2, DX

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

	// Sum only the wanted rows, and only the first two vectors of each
	// when the mask of the last two is empty.
	MOVQ  masks+16(FP), R11
	SHRQ  $32, R11
	JEQ   narrow
	CMPQ R8, $1
	JEQ  rows64x1
	CMPQ R8, $2
	JEQ  rows64x2
	CMPQ R8, $3
	JEQ  rows64x3
	LOOP64(STEP64x4, loop64x4, tail64x4)

rows64x3:
	LOOP64(STEP64x3, loop64x3, tail64x3)

rows64x2:
	LOOP64(STEP64x2, loop64x2, tail64x2)

rows64x1:
	LOOP64(STEP64x1, loop64x1, tail64x1)

narrow:
	CMPQ R8, $1
	JEQ  rows32x1
	CMPQ R8, $2
	JEQ  rows32x2
	CMPQ R8, $3
	JEQ  rows32x3
	LOOP32(STEP32x4, loop32x4, tail32x4)

rows32x3:
	LOOP32(STEP32x3, loop32x3, tail32x3)

rows32x2:
	LOOP32(STEP32x2, loop32x2, tail32x2)

rows32x1:
	LOOP32(STEP32x1, loop32x1, tail32x1)

store64:
	VBROADCASTSS alpha+64(FP), Z30
	MOVL         beta+68(FP), R11
	TESTL        $0x7fffffff, R11
	JEQ          storezero64
	VBROADCASTSS beta+68(FP), Z31
	STORE64(Z0, Z1, Z2, Z3)
	DECQ R8
	JEQ  done64
	STORE64(Z4, Z5, Z6, Z7)
	DECQ R8
	JEQ  done64
	STORE64(Z8, Z9, Z10, Z11)
	DECQ R8
	JEQ  done64
	STORE64(Z12, Z13, Z14, Z15)

done64:
	VZEROUPPER
	RET

storezero64:
	STOREZERO64(Z0, Z1, Z2, Z3)
	DECQ R8
	JEQ  done64
	STOREZERO64(Z4, Z5, Z6, Z7)
	DECQ R8
	JEQ  done64
	STOREZERO64(Z8, Z9, Z10, Z11)
	DECQ R8
	JEQ  done64
	STOREZERO64(Z12, Z13, Z14, Z15)
	VZEROUPPER
	RET
