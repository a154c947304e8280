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

// MASKED4 sums the lanes of K1 of the rows at DI and SI into Z0…Z15,
// loading zeros into the others, which keep their sums as they are.
#define MASKED4 \
	LOADSMASKED; \
	VFMADD231PS Z20, Z16, K1, Z0; \
	VFMADD231PS Z21, Z16, K1, Z1; \
	VFMADD231PS Z22, Z16, K1, Z2; \
	VFMADD231PS Z23, Z16, K1, Z3; \
	VFMADD231PS Z20, Z17, K1, Z4; \
	VFMADD231PS Z21, Z17, K1, Z5; \
	VFMADD231PS Z22, Z17, K1, Z6; \
	VFMADD231PS Z23, Z17, K1, Z7; \
	VFMADD231PS Z20, Z18, K1, Z8; \
	VFMADD231PS Z21, Z18, K1, Z9; \
	VFMADD231PS Z22, Z18, K1, Z10; \
	VFMADD231PS Z23, Z18, K1, Z11; \
	VFMADD231PS Z20, Z19, K1, Z12; \
	VFMADD231PS Z21, Z19, K1, Z13; \
	VFMADD231PS Z22, Z19, K1, Z14; \
	VFMADD231PS Z23, Z19, K1, Z15

// PAIR adds two vectors x and y rearranged by the shuffle op under the
// selectors lo and hi: lanes from one half of each operand of op go to
// T, those from the other to U, and T + U goes to dst; Z30 and Z31 are
// scratch.
#define PAIR(op, lo, hi, x, y, dst) \
	op     lo, y, x, Z30; \
	op     hi, y, x, Z31; \
	VADDPS Z31, Z30, dst

// LOADPTRS loads the first elements of the four rows of A and the four of
// b from the array at (DI) into R8…R11 and R12, R13, AX, BX.
#define LOADPTRS \
	MOVQ 0(DI), R8;   \
	MOVQ 8(DI), R9;   \
	MOVQ 16(DI), R10; \
	MOVQ 24(DI), R11; \
	MOVQ 32(DI), R12; \
	MOVQ 40(DI), R13; \
	MOVQ 48(DI), AX;  \
	MOVQ 56(DI), BX

// func dotRuns4x4(ptrs *[8]unsafe.Pointer, segs *Segment, nseg int, s *[16]float32)
//
// Z(4r+q) holds the sixteen partial sums of row r of A against row q of
// b. DX walks the segments, each three words (Pos, N, Off), up to R14.
TEXT ·dotRuns4x4(SB), NOSPLIT, $0-32
	MOVQ ptrs+0(FP), DI
	LOADPTRS
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

rsegment:
	// The lanes of a term are those of its column of A, so that the loads
	// of A's rows start at whole vectors: s = Pos mod 16 lanes, below the
	// segment, are left out of the first vector under the mask K1, and
	// the segment counts from Pos - s, CX holding N + s.
	MOVQ     0(DX), CX
	ANDQ     $15, CX
	MOVL     $1, R15
	SHLL     CX, R15
	DECL     R15
	KMOVW    R15, K2
	MOVQ     0(DX), DI
	SUBQ     CX, DI
	SHLQ     $2, DI
	MOVQ     16(DX), SI
	SUBQ     CX, SI
	SHLQ     $2, SI
	ADDQ     8(DX), CX
	KORTESTW K2, K2
	JEQ      rbody
	MOVL     $0xffff, R15
	CMPQ     CX, $16
	JGE      rhead
	MOVL     $1, R15
	SHLL     CX, R15
	DECL     R15

rhead:
	KMOVW  R15, K1
	KANDNW K1, K2, K1
	MASKED4
	ADDQ   $64, DI
	ADDQ   $64, SI
	SUBQ   $16, CX
	JLE    rnext

rbody:
	CMPQ CX, $16
	JLT  rtail

rloop:
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
	JGE  rloop

rtail:
	// The last CX < 16 elements, under the mask K1.
	TESTQ CX, CX
	JEQ   rnext
	MOVL  $1, R15
	SHLL  CX, R15
	DECL  R15
	KMOVW R15, K1
	MASKED4

rnext:
	ADDQ $24, DX
	CMPQ DX, R14
	JLT  rsegment

	// The lanes of each sum are added in halves, l and l+8, then l and
	// l+4, l and l+2, and l and l+1, four sums at a time: first lanes
	// 0–7 and 8–15 of Z(2p) and Z(2p+1) into Z(16+p), then the quarters
	// of pairs of those, and so on, until lane 4q+r of Z6 holds the total
	// of Z(4r+q).
	PAIR(VSHUFF64X2, $0x44, $0xee, Z0, Z1, Z16)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z2, Z3, Z17)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z4, Z5, Z18)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z6, Z7, Z19)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z8, Z9, Z20)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z10, Z11, Z21)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z12, Z13, Z22)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z14, Z15, Z23)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z16, Z17, Z0)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z18, Z19, Z1)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z20, Z21, Z2)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z22, Z23, Z3)
	PAIR(VSHUFPS, $0x44, $0xee, Z0, Z1, Z4)
	PAIR(VSHUFPS, $0x44, $0xee, Z2, Z3, Z5)
	PAIR(VSHUFPS, $0x88, $0xdd, Z4, Z5, Z6)
	MOVQ    s+24(FP), DX
	VMOVUPS Z6, (DX)
	VZEROUPPER
	RET

// func dotLists4x4(ptrs *[8]unsafe.Pointer, segs *Segment, lists *int, nl int, c *float32, ldc, incc, incl int)
//
// dotRuns4x4 for each list of segments, its sums added onto C; the list
// index lives at l-8(SP).
TEXT ·dotLists4x4(SB), NOSPLIT, $8-64
	MOVQ ptrs+0(FP), DI
	LOADPTRS
	MOVQ $0, l-8(SP)

list:
	MOVQ l-8(SP), CX
	CMPQ CX, nl+24(FP)
	JGE  done
	MOVQ lists+16(FP), DI
	MOVQ (DI)(CX*8), DX
	MOVQ 8(DI)(CX*8), R14
	CMPQ DX, R14
	JGE  nextlist
	LEAQ (DX)(DX*2), DX
	SHLQ $3, DX
	ADDQ segs+8(FP), DX
	LEAQ (R14)(R14*2), R14
	SHLQ $3, R14
	ADDQ segs+8(FP), R14
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

lsegment:
	// The lanes of a term are those of its column of A, so that the loads
	// of A's rows start at whole vectors: s = Pos mod 16 lanes, below the
	// segment, are left out of the first vector under the mask K1, and
	// the segment counts from Pos - s, CX holding N + s.
	MOVQ     0(DX), CX
	ANDQ     $15, CX
	MOVL     $1, R15
	SHLL     CX, R15
	DECL     R15
	KMOVW    R15, K2
	MOVQ     0(DX), DI
	SUBQ     CX, DI
	SHLQ     $2, DI
	MOVQ     16(DX), SI
	SUBQ     CX, SI
	SHLQ     $2, SI
	ADDQ     8(DX), CX
	KORTESTW K2, K2
	JEQ      lbody
	MOVL     $0xffff, R15
	CMPQ     CX, $16
	JGE      lhead
	MOVL     $1, R15
	SHLL     CX, R15
	DECL     R15

lhead:
	KMOVW  R15, K1
	KANDNW K1, K2, K1
	MASKED4
	ADDQ   $64, DI
	ADDQ   $64, SI
	SUBQ   $16, CX
	JLE    lnext

lbody:
	CMPQ CX, $16
	JLT  ltail

lloop:
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
	JGE  lloop

ltail:
	// The last CX < 16 elements, under the mask K1.
	TESTQ CX, CX
	JEQ   lnext
	MOVL  $1, R15
	SHLL  CX, R15
	DECL  R15
	KMOVW R15, K1
	MASKED4

lnext:
	ADDQ $24, DX
	CMPQ DX, R14
	JLT  lsegment

	// The lanes of each sum are added in halves, l and l+8, then l and
	// l+4, l and l+2, and l and l+1, four sums at a time: first lanes
	// 0–7 and 8–15 of Z(2p) and Z(2p+1) into Z(16+p), then the quarters
	// of pairs of those, and so on, until lane 4q+r of Z6 holds the total
	// of Z(4r+q).
	PAIR(VSHUFF64X2, $0x44, $0xee, Z0, Z1, Z16)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z2, Z3, Z17)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z4, Z5, Z18)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z6, Z7, Z19)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z8, Z9, Z20)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z10, Z11, Z21)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z12, Z13, Z22)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z14, Z15, Z23)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z16, Z17, Z0)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z18, Z19, Z1)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z20, Z21, Z2)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z22, Z23, Z3)
	PAIR(VSHUFPS, $0x44, $0xee, Z0, Z1, Z4)
	PAIR(VSHUFPS, $0x44, $0xee, Z2, Z3, Z5)
	PAIR(VSHUFPS, $0x88, $0xdd, Z4, Z5, Z6)

	// Element (r, q) of the list's C lies at DI + r·ldc + q·incc, in
	// bytes: DI walks the rows, CX is incc and SI three times it. Lanes
	// 4q…4q+3 of Z6, column q, go to X(1+q), and lane 4q+r is moved to
	// lane 0 of X0 to be added on.
	MOVQ  l-8(SP), CX
	IMULQ incl+56(FP), CX
	MOVQ  c+32(FP), DI
	LEAQ  (DI)(CX*4), DI
	MOVQ  incc+48(FP), CX
	SHLQ  $2, CX
	LEAQ  (CX)(CX*2), SI
	MOVQ  ldc+40(FP), R15
	SHLQ  $2, R15
	VMOVAPS       X6, X1
	VEXTRACTF32X4 $1, Z6, X2
	VEXTRACTF32X4 $2, Z6, X3
	VEXTRACTF32X4 $3, Z6, X4
	VADDSS (DI), X1, X0
	VMOVSS X0, (DI)
	VADDSS (DI)(CX*1), X2, X0
	VMOVSS X0, (DI)(CX*1)
	VADDSS (DI)(CX*2), X3, X0
	VMOVSS X0, (DI)(CX*2)
	VADDSS (DI)(SI*1), X4, X0
	VMOVSS X0, (DI)(SI*1)
	ADDQ R15, DI
	VPERMILPS $1, X1, X0
	VADDSS (DI), X0, X0
	VMOVSS X0, (DI)
	VPERMILPS $1, X2, X0
	VADDSS (DI)(CX*1), X0, X0
	VMOVSS X0, (DI)(CX*1)
	VPERMILPS $1, X3, X0
	VADDSS (DI)(CX*2), X0, X0
	VMOVSS X0, (DI)(CX*2)
	VPERMILPS $1, X4, X0
	VADDSS (DI)(SI*1), X0, X0
	VMOVSS X0, (DI)(SI*1)
	ADDQ R15, DI
	VPERMILPS $2, X1, X0
	VADDSS (DI), X0, X0
	VMOVSS X0, (DI)
	VPERMILPS $2, X2, X0
	VADDSS (DI)(CX*1), X0, X0
	VMOVSS X0, (DI)(CX*1)
	VPERMILPS $2, X3, X0
	VADDSS (DI)(CX*2), X0, X0
	VMOVSS X0, (DI)(CX*2)
	VPERMILPS $2, X4, X0
	VADDSS (DI)(SI*1), X0, X0
	VMOVSS X0, (DI)(SI*1)
	ADDQ R15, DI
	VPERMILPS $3, X1, X0
	VADDSS (DI), X0, X0
	VMOVSS X0, (DI)
	VPERMILPS $3, X2, X0
	VADDSS (DI)(CX*1), X0, X0
	VMOVSS X0, (DI)(CX*1)
	VPERMILPS $3, X3, X0
	VADDSS (DI)(CX*2), X0, X0
	VMOVSS X0, (DI)(CX*2)
	VPERMILPS $3, X4, X0
	VADDSS (DI)(SI*1), X0, X0
	VMOVSS X0, (DI)(SI*1)

nextlist:
	INCQ l-8(SP)
	JMP  list

done:
	VZEROUPPER
	RET

// FMAROW multiplies the row of A in za by the four rows of b in Z24…Z27
// into the sums s0…s3 of its row; FMAROWMASKED sums the lanes of K1 only.
#define FMAROW(za, s0, s1, s2, s3) \
	VFMADD231PS Z24, za, s0; \
	VFMADD231PS Z25, za, s1; \
	VFMADD231PS Z26, za, s2; \
	VFMADD231PS Z27, za, s3

#define FMAROWMASKED(za, s0, s1, s2, s3) \
	VFMADD231PS Z24, za, K1, s0; \
	VFMADD231PS Z25, za, K1, s1; \
	VFMADD231PS Z26, za, K1, s2; \
	VFMADD231PS Z27, za, K1, s3

// MASKED6 is MASKED4 for dotLists6x4: the lanes of K1 of its ten rows
// summed into Z0…Z23.
#define MASKED6 \
	VMOVUPS.Z (R11), K1, Z24; \
	VMOVUPS.Z (R11)(R12*1), K1, Z25; \
	VMOVUPS.Z (R11)(R12*2), K1, Z26; \
	VMOVUPS.Z (R13), K1, Z27; \
	VMOVUPS.Z (R8), K1, Z28; \
	VMOVUPS.Z (R8)(R9*1), K1, Z29; \
	FMAROWMASKED(Z28, Z0, Z1, Z2, Z3); \
	VMOVUPS.Z (R8)(R9*2), K1, Z28; \
	FMAROWMASKED(Z29, Z4, Z5, Z6, Z7); \
	VMOVUPS.Z (R10), K1, Z29; \
	FMAROWMASKED(Z28, Z8, Z9, Z10, Z11); \
	VMOVUPS.Z (R10)(R9*1), K1, Z28; \
	FMAROWMASKED(Z29, Z12, Z13, Z14, Z15); \
	VMOVUPS.Z (R10)(R9*2), K1, Z29; \
	FMAROWMASKED(Z28, Z16, Z17, Z18, Z19); \
	FMAROWMASKED(Z29, Z20, Z21, Z22, Z23)

// MASKED5 is MASKED6 without row 5 of A.
#define MASKED5 \
	VMOVUPS.Z (R11), K1, Z24; \
	VMOVUPS.Z (R11)(R12*1), K1, Z25; \
	VMOVUPS.Z (R11)(R12*2), K1, Z26; \
	VMOVUPS.Z (R13), K1, Z27; \
	VMOVUPS.Z (R8), K1, Z28; \
	VMOVUPS.Z (R8)(R9*1), K1, Z29; \
	FMAROWMASKED(Z28, Z0, Z1, Z2, Z3); \
	VMOVUPS.Z (R8)(R9*2), K1, Z28; \
	FMAROWMASKED(Z29, Z4, Z5, Z6, Z7); \
	VMOVUPS.Z (R10), K1, Z29; \
	FMAROWMASKED(Z28, Z8, Z9, Z10, Z11); \
	VMOVUPS.Z (R10)(R9*1), K1, Z28; \
	FMAROWMASKED(Z29, Z12, Z13, Z14, Z15); \
	FMAROWMASKED(Z28, Z16, Z17, Z18, Z19)

// ADDROW adds lane sel of X1…X4, the four columns of a row of the tile,
// onto the row of C at DI, columns CX bytes apart (SI is three times CX).
#define ADDROW(sel) \
	VPERMILPS $sel, X1, X0;      \
	VADDSS    (DI), X0, X0;      \
	VMOVSS    X0, (DI);          \
	VPERMILPS $sel, X2, X0;      \
	VADDSS    (DI)(CX*1), X0, X0; \
	VMOVSS    X0, (DI)(CX*1);    \
	VPERMILPS $sel, X3, X0;      \
	VADDSS    (DI)(CX*2), X0, X0; \
	VMOVSS    X0, (DI)(CX*2);    \
	VPERMILPS $sel, X4, X0;      \
	VADDSS    (DI)(SI*1), X0, X0; \
	VMOVSS    X0, (DI)(SI*1)

// func dotLists6x4(a *float32, lda int, b *float32, ldb int, segs *Segment, lists *int, nl int, c *float32, ldc, incc, incl int)
//
// dotLists4x4 for six rows of A, lda apart from a on, and four rows of b,
// ldb apart from b on: ten rows read for 24 sums instead of eight for 16.
// Z(4r+q) holds the sixteen partial sums of row r of A against row q of
// b; Z24…Z27 hold the rows of b and Z28, Z29 a row of A in turn. Rows
// 0, 1, 2 of A lie at R8, R8+R9, R8+2·R9 and rows 3, 4, 5 likewise from
// R10 = R8+3·R9; rows 0, 1, 2 of b at R11, R11+R12, R11+2·R12 and row 3
// at R13. The list index lives at l-8(SP).
TEXT ·dotLists6x4(SB), NOSPLIT, $8-88
	MOVQ $0, l-8(SP)

list6:
	MOVQ l-8(SP), CX
	CMPQ CX, nl+48(FP)
	JGE  done6
	MOVQ lists+40(FP), DI
	MOVQ (DI)(CX*8), DX
	MOVQ 8(DI)(CX*8), R14
	CMPQ DX, R14
	JGE  nextlist6
	LEAQ (DX)(DX*2), DX
	SHLQ $3, DX
	ADDQ segs+32(FP), DX
	LEAQ (R14)(R14*2), R14
	SHLQ $3, R14
	ADDQ segs+32(FP), R14
	MOVQ a+0(FP), AX
	MOVQ lda+8(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), BX
	MOVQ b+16(FP), SI
	MOVQ ldb+24(FP), R12
	SHLQ $2, R12
	LEAQ (R12)(R12*2), DI
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
	VXORPS X16, X16, X16
	VXORPS X17, X17, X17
	VXORPS X18, X18, X18
	VXORPS X19, X19, X19
	VXORPS X20, X20, X20
	VXORPS X21, X21, X21
	VXORPS X22, X22, X22
	VXORPS X23, X23, X23

segment6:
	// The lanes of a term are those of its column of A, so that the loads
	// of A's rows start at whole vectors: s = Pos mod 16 lanes, below the
	// segment, are left out of the first vector under the mask K1, and
	// the segment counts from Pos - s, CX holding N + s.
	MOVQ     0(DX), CX
	ANDQ     $15, CX
	MOVL     $1, R15
	SHLL     CX, R15
	DECL     R15
	KMOVW    R15, K2
	MOVQ     0(DX), R15
	SUBQ     CX, R15
	LEAQ     (AX)(R15*4), R8
	LEAQ     (R8)(BX*1), R10
	MOVQ     16(DX), R15
	SUBQ     CX, R15
	LEAQ     (SI)(R15*4), R11
	LEAQ     (R11)(DI*1), R13
	ADDQ     8(DX), CX
	KORTESTW K2, K2
	JEQ      body6
	MOVL     $0xffff, R15
	CMPQ     CX, $16
	JGE      head6
	MOVL     $1, R15
	SHLL     CX, R15
	DECL     R15

head6:
	KMOVW  R15, K1
	KANDNW K1, K2, K1
	MASKED6
	ADDQ   $64, R8
	ADDQ   $64, R10
	ADDQ   $64, R11
	ADDQ   $64, R13
	SUBQ   $16, CX
	JLE    next6

body6:
	CMPQ CX, $16
	JLT  tail6

loop6:
	VMOVUPS (R11), Z24
	VMOVUPS (R11)(R12*1), Z25
	VMOVUPS (R11)(R12*2), Z26
	VMOVUPS (R13), Z27
	VMOVUPS (R8), Z28
	VMOVUPS (R8)(R9*1), Z29
	FMAROW(Z28, Z0, Z1, Z2, Z3)
	VMOVUPS (R8)(R9*2), Z28
	FMAROW(Z29, Z4, Z5, Z6, Z7)
	VMOVUPS (R10), Z29
	FMAROW(Z28, Z8, Z9, Z10, Z11)
	VMOVUPS (R10)(R9*1), Z28
	FMAROW(Z29, Z12, Z13, Z14, Z15)
	VMOVUPS (R10)(R9*2), Z29
	FMAROW(Z28, Z16, Z17, Z18, Z19)
	FMAROW(Z29, Z20, Z21, Z22, Z23)
	ADDQ $64, R8
	ADDQ $64, R10
	ADDQ $64, R11
	ADDQ $64, R13
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  loop6

tail6:
	// The last CX < 16 elements, under the mask K1.
	TESTQ CX, CX
	JEQ   next6
	MOVL  $1, R15
	SHLL  CX, R15
	DECL  R15
	KMOVW R15, K1
	MASKED6

next6:
	ADDQ $24, DX
	CMPQ DX, R14
	JLT  segment6

	// Rows 4 and 5 are added in halves as dotRuns4x4 adds its sixteen
	// sums, pairs of the same vector in the last step, until lanes 4q
	// and 4q+1 of Z25 hold the totals of Z(16+q) and Z(20+q); then rows
	// 0–3 as there, into Z6, whose lane 4q+r holds the total of Z(4r+q).
	PAIR(VSHUFF64X2, $0x44, $0xee, Z16, Z17, Z24)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z18, Z19, Z25)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z20, Z21, Z26)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z22, Z23, Z27)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z24, Z25, Z28)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z26, Z27, Z29)
	PAIR(VSHUFPS, $0x44, $0xee, Z28, Z29, Z24)
	PAIR(VSHUFPS, $0x88, $0xdd, Z24, Z24, Z25)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z0, Z1, Z16)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z2, Z3, Z17)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z4, Z5, Z18)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z6, Z7, Z19)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z8, Z9, Z20)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z10, Z11, Z21)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z12, Z13, Z22)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z14, Z15, Z23)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z16, Z17, Z0)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z18, Z19, Z1)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z20, Z21, Z2)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z22, Z23, Z3)
	PAIR(VSHUFPS, $0x44, $0xee, Z0, Z1, Z4)
	PAIR(VSHUFPS, $0x44, $0xee, Z2, Z3, Z5)
	PAIR(VSHUFPS, $0x88, $0xdd, Z4, Z5, Z6)

	// Element (r, q) of the list's C lies at DI + r·ldc + q·incc, in
	// bytes: DI walks the rows, CX is incc and SI three times it. Lanes
	// 4q…4q+3 of Z6, column q, go to X(1+q) for rows 0–3, and then lanes
	// 4q and 4q+1 of Z25 for rows 4 and 5.
	MOVQ  l-8(SP), CX
	IMULQ incl+80(FP), CX
	MOVQ  c+56(FP), DI
	LEAQ  (DI)(CX*4), DI
	MOVQ  incc+72(FP), CX
	SHLQ  $2, CX
	LEAQ  (CX)(CX*2), SI
	MOVQ  ldc+64(FP), R15
	SHLQ  $2, R15
	VMOVAPS       X6, X1
	VEXTRACTF32X4 $1, Z6, X2
	VEXTRACTF32X4 $2, Z6, X3
	VEXTRACTF32X4 $3, Z6, X4
	ADDROW(0)
	ADDQ R15, DI
	ADDROW(1)
	ADDQ R15, DI
	ADDROW(2)
	ADDQ R15, DI
	ADDROW(3)
	ADDQ R15, DI
	VMOVAPS       X25, X1
	VEXTRACTF32X4 $1, Z25, X2
	VEXTRACTF32X4 $2, Z25, X3
	VEXTRACTF32X4 $3, Z25, X4
	ADDROW(0)
	ADDQ R15, DI
	ADDROW(1)

nextlist6:
	INCQ l-8(SP)
	JMP  list6

done6:
	VZEROUPPER
	RET

// func dotLists5x4(a *float32, lda int, b *float32, ldb int, segs *Segment, lists *int, nl int, c *float32, ldc, incc, incl int)
//
// dotLists6x4 for five rows of A: Z20…Z23, the sums of a sixth row, stay
// zero, and only the totals of rows 0–4 are added onto C.
TEXT ·dotLists5x4(SB), NOSPLIT, $8-88
	MOVQ $0, l-8(SP)

list5:
	MOVQ l-8(SP), CX
	CMPQ CX, nl+48(FP)
	JGE  done5
	MOVQ lists+40(FP), DI
	MOVQ (DI)(CX*8), DX
	MOVQ 8(DI)(CX*8), R14
	CMPQ DX, R14
	JGE  nextlist5
	LEAQ (DX)(DX*2), DX
	SHLQ $3, DX
	ADDQ segs+32(FP), DX
	LEAQ (R14)(R14*2), R14
	SHLQ $3, R14
	ADDQ segs+32(FP), R14
	MOVQ a+0(FP), AX
	MOVQ lda+8(FP), R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), BX
	MOVQ b+16(FP), SI
	MOVQ ldb+24(FP), R12
	SHLQ $2, R12
	LEAQ (R12)(R12*2), DI
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
	VXORPS X16, X16, X16
	VXORPS X17, X17, X17
	VXORPS X18, X18, X18
	VXORPS X19, X19, X19
	VXORPS X20, X20, X20
	VXORPS X21, X21, X21
	VXORPS X22, X22, X22
	VXORPS X23, X23, X23

segment5:
	// The lanes of a term are those of its column of A, so that the loads
	// of A's rows start at whole vectors: s = Pos mod 16 lanes, below the
	// segment, are left out of the first vector under the mask K1, and
	// the segment counts from Pos - s, CX holding N + s.
	MOVQ     0(DX), CX
	ANDQ     $15, CX
	MOVL     $1, R15
	SHLL     CX, R15
	DECL     R15
	KMOVW    R15, K2
	MOVQ     0(DX), R15
	SUBQ     CX, R15
	LEAQ     (AX)(R15*4), R8
	LEAQ     (R8)(BX*1), R10
	MOVQ     16(DX), R15
	SUBQ     CX, R15
	LEAQ     (SI)(R15*4), R11
	LEAQ     (R11)(DI*1), R13
	ADDQ     8(DX), CX
	KORTESTW K2, K2
	JEQ      body5
	MOVL     $0xffff, R15
	CMPQ     CX, $16
	JGE      head5
	MOVL     $1, R15
	SHLL     CX, R15
	DECL     R15

head5:
	KMOVW  R15, K1
	KANDNW K1, K2, K1
	MASKED5
	ADDQ   $64, R8
	ADDQ   $64, R10
	ADDQ   $64, R11
	ADDQ   $64, R13
	SUBQ   $16, CX
	JLE    next5

body5:
	CMPQ CX, $16
	JLT  tail5

loop5:
	VMOVUPS (R11), Z24
	VMOVUPS (R11)(R12*1), Z25
	VMOVUPS (R11)(R12*2), Z26
	VMOVUPS (R13), Z27
	VMOVUPS (R8), Z28
	VMOVUPS (R8)(R9*1), Z29
	FMAROW(Z28, Z0, Z1, Z2, Z3)
	VMOVUPS (R8)(R9*2), Z28
	FMAROW(Z29, Z4, Z5, Z6, Z7)
	VMOVUPS (R10), Z29
	FMAROW(Z28, Z8, Z9, Z10, Z11)
	VMOVUPS (R10)(R9*1), Z28
	FMAROW(Z29, Z12, Z13, Z14, Z15)
	FMAROW(Z28, Z16, Z17, Z18, Z19)
	ADDQ $64, R8
	ADDQ $64, R10
	ADDQ $64, R11
	ADDQ $64, R13
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  loop5

tail5:
	// The last CX < 16 elements, under the mask K1.
	TESTQ CX, CX
	JEQ   next5
	MOVL  $1, R15
	SHLL  CX, R15
	DECL  R15
	KMOVW R15, K1
	MASKED5

next5:
	ADDQ $24, DX
	CMPQ DX, R14
	JLT  segment5

	// Rows 4 and 5 are added in halves as dotRuns4x4 adds its sixteen
	// sums, pairs of the same vector in the last step, until lanes 4q
	// and 4q+1 of Z25 hold the totals of Z(16+q) and Z(20+q); then rows
	// 0–3 as there, into Z6, whose lane 4q+r holds the total of Z(4r+q).
	PAIR(VSHUFF64X2, $0x44, $0xee, Z16, Z17, Z24)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z18, Z19, Z25)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z20, Z21, Z26)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z22, Z23, Z27)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z24, Z25, Z28)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z26, Z27, Z29)
	PAIR(VSHUFPS, $0x44, $0xee, Z28, Z29, Z24)
	PAIR(VSHUFPS, $0x88, $0xdd, Z24, Z24, Z25)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z0, Z1, Z16)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z2, Z3, Z17)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z4, Z5, Z18)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z6, Z7, Z19)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z8, Z9, Z20)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z10, Z11, Z21)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z12, Z13, Z22)
	PAIR(VSHUFF64X2, $0x44, $0xee, Z14, Z15, Z23)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z16, Z17, Z0)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z18, Z19, Z1)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z20, Z21, Z2)
	PAIR(VSHUFF64X2, $0x88, $0xdd, Z22, Z23, Z3)
	PAIR(VSHUFPS, $0x44, $0xee, Z0, Z1, Z4)
	PAIR(VSHUFPS, $0x44, $0xee, Z2, Z3, Z5)
	PAIR(VSHUFPS, $0x88, $0xdd, Z4, Z5, Z6)

	// Element (r, q) of the list's C lies at DI + r·ldc + q·incc, in
	// bytes: DI walks the rows, CX is incc and SI three times it. Lanes
	// 4q…4q+3 of Z6, column q, go to X(1+q) for rows 0–3, and then lanes
	// 4q and 4q+1 of Z25 for rows 4 and 5.
	MOVQ  l-8(SP), CX
	IMULQ incl+80(FP), CX
	MOVQ  c+56(FP), DI
	LEAQ  (DI)(CX*4), DI
	MOVQ  incc+72(FP), CX
	SHLQ  $2, CX
	LEAQ  (CX)(CX*2), SI
	MOVQ  ldc+64(FP), R15
	SHLQ  $2, R15
	VMOVAPS       X6, X1
	VEXTRACTF32X4 $1, Z6, X2
	VEXTRACTF32X4 $2, Z6, X3
	VEXTRACTF32X4 $3, Z6, X4
	ADDROW(0)
	ADDQ R15, DI
	ADDROW(1)
	ADDQ R15, DI
	ADDROW(2)
	ADDQ R15, DI
	ADDROW(3)
	ADDQ R15, DI
	VMOVAPS       X25, X1
	VEXTRACTF32X4 $1, Z25, X2
	VEXTRACTF32X4 $2, Z25, X3
	VEXTRACTF32X4 $3, Z25, X4
	ADDROW(0)

nextlist5:
	INCQ l-8(SP)
	JMP  list5

done5:
	VZEROUPPER
	RET
