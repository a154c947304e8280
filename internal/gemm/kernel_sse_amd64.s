//go:build !purego

#include "textflag.h"

// ROW8 adds to one row of the 4×8 tile, held in r0 and r1, the products of
// the B̃ row in X8 and X9 with the element of Ã that PSHUFD spreads from the
// column in X10 by sel. SSE has no multiply-add and its multiply overwrites
// an operand: the first product is formed in a copy of the broadcast, the
// second in the broadcast itself.
#define ROW8(sel, r0, r1) \
	PSHUFD $sel, X10, X11; \
	MOVAPS X11, X12;       \
	MULPS  X8, X12;        \
	ADDPS  X12, r0;        \
	MULPS  X9, X11;        \
	ADDPS  X11, r1

// STEP8 accumulates the column of Ã at off(AX) against the row of B̃ whose
// two halves are at b0 and b1: row i of the tile lives in X(2i) and
// X(2i+1).
#define STEP8(off, b0, b1) \
	MOVUPS b0, X8;       \
	MOVUPS b1, X9;       \
	MOVUPS off(AX), X10; \
	ROW8(0x00, X0, X1);  \
	ROW8(0x55, X2, X3);  \
	ROW8(0xAA, X4, X5);  \
	ROW8(0xFF, X6, X7)

// STORE8 writes a row of the tile, held in r0 and r1, to (DI) as
// alpha·acc + beta·C, with alpha in X14 and beta in X15, rounding the two
// products and their sum, and moves DI to the next row.
#define STORE8(r0, r1) \
	MULPS  X14, r0;     \
	MULPS  X14, r1;     \
	MOVUPS (DI), X8;    \
	MOVUPS 16(DI), X9;  \
	MULPS  X15, X8;     \
	MULPS  X15, X9;     \
	ADDPS  X8, r0;      \
	ADDPS  X9, r1;      \
	MOVUPS r0, (DI);    \
	MOVUPS r1, 16(DI);  \
	ADDQ   DX, DI

// STOREZERO8 writes a row of the tile as alpha·acc without reading C.
#define STOREZERO8(r0, r1) \
	MULPS  X14, r0;    \
	MULPS  X14, r1;    \
	MOVUPS r0, (DI);   \
	MOVUPS r1, 16(DI); \
	ADDQ   DX, DI

// func kernel4x8(k int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel4x8(SB), NOSPLIT, $0-56
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

	CMPQ CX, $4
	JLT  tail

loop4:
	STEP8(0, (BX), 16(BX))
	STEP8(16, (BX)(R9*1), 16(BX)(R9*1))
	STEP8(32, (BX)(R9*2), 16(BX)(R9*2))
	STEP8(48, (BX)(R11*1), 16(BX)(R11*1))
	ADDQ $64, AX
	LEAQ (BX)(R9*4), BX
	SUBQ $4, CX
	CMPQ CX, $4
	JGE  loop4

tail:
	TESTQ CX, CX
	JEQ   store

tail1:
	STEP8(0, (BX), 16(BX))
	ADDQ $16, AX
	ADDQ R9, BX
	DECQ CX
	JNZ  tail1

store:
	MOVSS  alpha+48(FP), X14
	SHUFPS $0x00, X14, X14
	MOVL   beta+52(FP), R8
	TESTL  $0x7fffffff, R8
	JEQ    storezero
	MOVSS  beta+52(FP), X15
	SHUFPS $0x00, X15, X15
	STORE8(X0, X1)
	STORE8(X2, X3)
	STORE8(X4, X5)
	STORE8(X6, X7)
	RET

storezero:
	STOREZERO8(X0, X1)
	STOREZERO8(X2, X3)
	STOREZERO8(X4, X5)
	STOREZERO8(X6, X7)
	RET
