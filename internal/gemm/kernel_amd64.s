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

// STORE writes row r of the tile, held in ra and rb, to (DI) as
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

// STOREZERO writes row r of the tile as alpha·acc without reading C.
#define STOREZERO(ra, rb) \
	VMULPS  Y14, ra, ra; \
	VMULPS  Y14, rb, rb; \
	VMOVUPS ra, (DI);    \
	VMOVUPS rb, 32(DI);  \
	ADDQ    DX, DI

// func kernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32)
TEXT ·kernel6x16(SB), NOSPLIT, $0-48
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
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
	VBROADCASTSS alpha+40(FP), Y14
	MOVL         beta+44(FP), R8
	TESTL        $0x7fffffff, R8
	JEQ          storezero
	VBROADCASTSS beta+44(FP), Y15
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
