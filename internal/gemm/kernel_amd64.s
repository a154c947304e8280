//go:build !purego

#include "textflag.h"

// STEP accumulates one column of the A micro-panel, found at off(AX),
// against one row of the B micro-panel at (BX): row i of the tile lives in
// Y(2i) and Y(2i+1), Y12 and Y13 hold the B row and Y14 and Y15 alternate as
// the broadcast A element so that consecutive broadcasts do not wait on
// each other.
#define STEP(off, boff) \
	VMOVUPS      boff(BX), Y12;    \
	VMOVUPS      boff+32(BX), Y13; \
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
#define STEP4(off, boff) \
	VMOVUPS      boff(BX), Y12;    \
	VMOVUPS      boff+32(BX), Y13; \
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

// func kernel6x16(k, rows int, a, b, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel6x16(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ rows+8(FP), R8
	MOVQ a+16(FP), AX
	MOVQ b+24(FP), BX
	MOVQ c+32(FP), DI
	MOVQ ldc+40(FP), DX
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
	STEP4(0, 0)
	STEP4(24, 64)
	STEP4(48, 128)
	STEP4(72, 192)
	ADDQ $96, AX
	ADDQ $256, BX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  loop4rows4

tail4:
	TESTQ CX, CX
	JEQ   store

tail1rows4:
	STEP4(0, 0)
	ADDQ $24, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  tail1rows4
	JMP  store

rows6:
	CMPQ CX, $4
	JLT  tail

loop4:
	STEP(0, 0)
	STEP(24, 64)
	STEP(48, 128)
	STEP(72, 192)
	ADDQ $96, AX
	ADDQ $256, BX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  loop4

tail:
	TESTQ CX, CX
	JEQ   store

tail1:
	STEP(0, 0)
	ADDQ $24, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  tail1

store:
	VBROADCASTSS alpha+48(FP), Y14
	MOVL         beta+52(FP), R8
	TESTL        $0x7fffffff, R8
	JEQ          storezero
	VBROADCASTSS beta+52(FP), Y15
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

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL leaf+0(FP), AX
	MOVL sub+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// TRANSPOSE8 transposes the 8×8 block held in rows Y0…Y7 and stores its
// rows 64 bytes apart from off(DI), the stride of a B micro-panel.
// Unpacking interleaves pairs of rows, shuffling gathers four rows per
// 128-bit lane, and the lane permutes join the halves.
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
	VMOVUPS    Y9, off+64(DI);      \
	VMOVUPS    Y10, off+128(DI);    \
	VMOVUPS    Y11, off+192(DI);    \
	VMOVUPS    Y12, off+256(DI);    \
	VMOVUPS    Y13, off+320(DI);    \
	VMOVUPS    Y14, off+384(DI);    \
	VMOVUPS    Y15, off+448(DI)

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

// func transpose16(k int, src *float32, ld int, dst *float32)
TEXT ·transpose16(SB), NOSPLIT, $0-32
	MOVQ k+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ dst+24(FP), DI
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
	ADDQ $512, DI
	DECQ CX
	JNZ  transpose

	VZEROUPPER
	RET
