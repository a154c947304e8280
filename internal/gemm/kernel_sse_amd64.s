//go:build !purego

#include "textflag.h"

// ROW12 adds to one row of the 4×12 tile, held in r0, r1 and r2, the
// products of the element of Ã that PSHUFD spreads from X12 by sel with the
// B̃ row whose three vectors are at b0, b1 and b2. SSE has no multiply-add
// and its multiply overwrites an operand, so each product is formed in a
// temporary into which the B̃ vector is loaded; X14 and X15 alternate.
#define ROW12(sel, b0, b1, b2, r0, r1, r2) \
	PSHUFD $sel, X12, X13; \
	MOVUPS b0, X14;        \
	MULPS  X13, X14;       \
	ADDPS  X14, r0;        \
	MOVUPS b1, X15;        \
	MULPS  X13, X15;       \
	ADDPS  X15, r1;        \
	MOVUPS b2, X14;        \
	MULPS  X13, X14;       \
	ADDPS  X14, r2

// STEP12 accumulates the column of Ã at off(AX) against the B̃ row at b0,
// b1, b2: row i of the tile lives in X(3i), X(3i+1) and X(3i+2).
#define STEP12(off, b0, b1, b2) \
	MOVUPS off(AX), X12;                     \
	ROW12(0x00, b0, b1, b2, X0, X1, X2);    \
	ROW12(0x55, b0, b1, b2, X3, X4, X5);    \
	ROW12(0xAA, b0, b1, b2, X6, X7, X8);    \
	ROW12(0xFF, b0, b1, b2, X9, X10, X11)

// STORE12 writes a row of the tile, held in r0, r1 and r2, to (DI) as
// alpha·acc + beta·C, with alpha in X12 and beta in X13, rounding the two
// products and their sum, and moves DI to the next row.
#define STORE12(r0, r1, r2) \
	MULPS  X12, r0;      \
	MULPS  X12, r1;      \
	MULPS  X12, r2;      \
	MOVUPS (DI), X14;    \
	MULPS  X13, X14;     \
	ADDPS  X14, r0;      \
	MOVUPS 16(DI), X15;  \
	MULPS  X13, X15;     \
	ADDPS  X15, r1;      \
	MOVUPS 32(DI), X14;  \
	MULPS  X13, X14;     \
	ADDPS  X14, r2;      \
	MOVUPS r0, (DI);     \
	MOVUPS r1, 16(DI);   \
	MOVUPS r2, 32(DI);   \
	ADDQ   DX, DI

// STOREZERO12 writes a row of the tile as alpha·acc without reading C.
#define STOREZERO12(r0, r1, r2) \
	MULPS  X12, r0;    \
	MULPS  X12, r1;    \
	MULPS  X12, r2;    \
	MOVUPS r0, (DI);   \
	MOVUPS r1, 16(DI); \
	MOVUPS r2, 32(DI); \
	ADDQ   DX, DI

// func kernel4x12(k int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel4x12(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ ldb+24(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R11
	MOVQ c+32(FP), DI
	MOVQ ldc+40(FP), DX
	SHLQ $2, DX

	XORPS X0, X0
	XORPS X1, X1
	XORPS X2, X2
	XORPS X3, X3
	XORPS X4, X4
	XORPS X5, X5
	XORPS X6, X6
	XORPS X7, X7
	XORPS X8, X8
	XORPS X9, X9
	XORPS X10, X10
	XORPS X11, X11

	CMPQ CX, $4
	JLT  tail

loop4:
	STEP12(0, (BX), 16(BX), 32(BX))
	STEP12(16, (BX)(R9*1), 16(BX)(R9*1), 32(BX)(R9*1))
	STEP12(32, (BX)(R9*2), 16(BX)(R9*2), 32(BX)(R9*2))
	STEP12(48, (BX)(R11*1), 16(BX)(R11*1), 32(BX)(R11*1))
	ADDQ $64, AX
	LEAQ (BX)(R9*4), BX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  loop4

tail:
	TESTQ CX, CX
	JEQ   store

tail1:
	STEP12(0, (BX), 16(BX), 32(BX))
	ADDQ $16, AX
	ADDQ R9, BX
	DECQ CX
	JNZ  tail1

store:
	MOVSS  alpha+48(FP), X12
	SHUFPS $0x00, X12, X12
	MOVL   beta+52(FP), R8
	TESTL  $0x7fffffff, R8
	JEQ    storezero
	MOVSS  beta+52(FP), X13
	SHUFPS $0x00, X13, X13
	STORE12(X0, X1, X2)
	STORE12(X3, X4, X5)
	STORE12(X6, X7, X8)
	STORE12(X9, X10, X11)
	RET

storezero:
	STOREZERO12(X0, X1, X2)
	STOREZERO12(X3, X4, X5)
	STOREZERO12(X6, X7, X8)
	STOREZERO12(X9, X10, X11)
	RET
