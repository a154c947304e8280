//go:build !purego

#include "textflag.h"

// halves holds the lane indices 0, 2, …, 30 and then 1, 3, …, 31: the even
// and the odd lanes of two vectors.
DATA halves<>+0(SB)/4, $0
DATA halves<>+4(SB)/4, $2
DATA halves<>+8(SB)/4, $4
DATA halves<>+12(SB)/4, $6
DATA halves<>+16(SB)/4, $8
DATA halves<>+20(SB)/4, $10
DATA halves<>+24(SB)/4, $12
DATA halves<>+28(SB)/4, $14
DATA halves<>+32(SB)/4, $16
DATA halves<>+36(SB)/4, $18
DATA halves<>+40(SB)/4, $20
DATA halves<>+44(SB)/4, $22
DATA halves<>+48(SB)/4, $24
DATA halves<>+52(SB)/4, $26
DATA halves<>+56(SB)/4, $28
DATA halves<>+60(SB)/4, $30
DATA halves<>+64(SB)/4, $1
DATA halves<>+68(SB)/4, $3
DATA halves<>+72(SB)/4, $5
DATA halves<>+76(SB)/4, $7
DATA halves<>+80(SB)/4, $9
DATA halves<>+84(SB)/4, $11
DATA halves<>+88(SB)/4, $13
DATA halves<>+92(SB)/4, $15
DATA halves<>+96(SB)/4, $17
DATA halves<>+100(SB)/4, $19
DATA halves<>+104(SB)/4, $21
DATA halves<>+108(SB)/4, $23
DATA halves<>+112(SB)/4, $25
DATA halves<>+116(SB)/4, $27
DATA halves<>+120(SB)/4, $29
DATA halves<>+124(SB)/4, $31
GLOBL halves<>(SB), RODATA|NOPTR, $128

// weave holds the lane indices 0, 16, 1, 17, …, 7, 23 and then 8, 24, …,
// 15, 31: the first and the second halves of two vectors taken in turn.
DATA weave<>+0(SB)/4, $0
DATA weave<>+4(SB)/4, $16
DATA weave<>+8(SB)/4, $1
DATA weave<>+12(SB)/4, $17
DATA weave<>+16(SB)/4, $2
DATA weave<>+20(SB)/4, $18
DATA weave<>+24(SB)/4, $3
DATA weave<>+28(SB)/4, $19
DATA weave<>+32(SB)/4, $4
DATA weave<>+36(SB)/4, $20
DATA weave<>+40(SB)/4, $5
DATA weave<>+44(SB)/4, $21
DATA weave<>+48(SB)/4, $6
DATA weave<>+52(SB)/4, $22
DATA weave<>+56(SB)/4, $7
DATA weave<>+60(SB)/4, $23
DATA weave<>+64(SB)/4, $8
DATA weave<>+68(SB)/4, $24
DATA weave<>+72(SB)/4, $9
DATA weave<>+76(SB)/4, $25
DATA weave<>+80(SB)/4, $10
DATA weave<>+84(SB)/4, $26
DATA weave<>+88(SB)/4, $11
DATA weave<>+92(SB)/4, $27
DATA weave<>+96(SB)/4, $12
DATA weave<>+100(SB)/4, $28
DATA weave<>+104(SB)/4, $13
DATA weave<>+108(SB)/4, $29
DATA weave<>+112(SB)/4, $14
DATA weave<>+116(SB)/4, $30
DATA weave<>+120(SB)/4, $15
DATA weave<>+124(SB)/4, $31
GLOBL weave<>(SB), RODATA|NOPTR, $128
// Each kernel takes the tiles in blocks of 16, one tile a lane, so that
// each point of the transform domain is one vector and each addition,
// subtraction or negation of the Go definition one instruction, in the
// same order and on the same operands: the results are the same bits. No
// FMA or reassociation enters. The block of the last r < 16 tiles runs
// under masks built from r, and the columns outside a plane's edges are
// masked off too, so that no element the Go version does not touch is
// read or written (masked lanes never fault); the lanes left out of a
// load hold zeros, as the Go versions' absent samples do, and those left
// out of a store are not stored.

// INROW loads from AX the columns 0 to 33 of one row of a block under the
// masks K1…K4, splits them into the columns d0…d3 of its 16 windows
// (even and odd columns, then both again one column on) and sets m0…m3 to
// the row of d·B. A row outside the plane, whose bit of rows+56(FP) is
// clear, is not read: its samples are zeros and so is its row of d·B, as
// in the Go version (0−0 and 0+0 are +0). When R9, the hint next in
// bytes, is not 0, the two lines at AX+R9, where the next call reads in
// this row's place, are fetched ahead: the block moves on by 128 bytes,
// so every line of the next call's row is fetched once.
#define INROW(bit, m0, m1, m2, m3, absent, done) \
	TESTB      $bit, rows+56(FP);   \
	JZ         absent;              \
	VMOVUPS.Z  (AX), K1, Z0;        \
	VMOVUPS.Z  64(AX), K2, Z1;      \
	VMOVUPS.Z  8(AX), K3, Z2;       \
	VMOVUPS.Z  72(AX), K4, Z3;      \
	VMOVAPS    Z0, Z4;              \
	VPERMT2PS  Z1, Z30, Z0;         \
	VPERMT2PS  Z1, Z31, Z4;         \
	VMOVAPS    Z2, Z5;              \
	VPERMT2PS  Z3, Z30, Z2;         \
	VPERMT2PS  Z3, Z31, Z5;         \
	VSUBPS     Z2, Z0, m0;          \
	VADDPS     Z2, Z4, m1;          \
	VSUBPS     Z4, Z2, m2;          \
	VSUBPS     Z5, Z4, m3;          \
	TESTQ      R9, R9;              \
	JZ         done;                \
	PREFETCHT0 (AX)(R9*1);          \
	PREFETCHT0 64(AX)(R9*1);        \
	JMP        done;                \
absent:                             \
	VPXORD     m0, m0, m0;          \
	VPXORD     m1, m1, m1;          \
	VPXORD     m2, m2, m2;          \
	VPXORD     m3, m3, m3;          \
done:

// INCOL sets Z0…Z3 to the column of Bᵀ·(d·B) whose rows of d·B are
// m0…m3.
#define INCOL(m0, m1, m2, m3) \
	VSUBPS m2, m0, Z0; \
	VADDPS m2, m1, Z1; \
	VSUBPS m1, m2, Z2; \
	VSUBPS m3, m1, Z3

// func inputAVX512(dst *float32, ld int, src *float32, off, lds, w, c0, rows, n, next int)
//
// Row r of the windows starts at src + off + r·lds, column c0 of the
// plane's row whose bit r of rows is set; the plane's columns are
// [0, w). A block of 16 tiles reads 34 columns of each row: the vectors
// of columns 0–15 and 16–31 give d0 and d1, those of 2–17 and 18–33 give
// d2 and d3. The address of a block may lie before the row's start; the
// masks keep every lane outside [0, w) unread. The four rows of d·B are
// held in Z8…Z23, row r in Z(8+4r) to Z(11+4r); R14 is the plane's column
// of the block's first.
TEXT ·inputAVX512(SB), NOSPLIT, $0-80
	MOVQ    dst+0(FP), DI
	MOVQ    ld+8(FP), R10
	MOVQ    src+16(FP), SI
	MOVQ    off+24(FP), AX
	MOVQ    lds+32(FP), R8
	MOVQ    c0+48(FP), R14
	MOVQ    n+64(FP), BX
	MOVQ    next+72(FP), R9
	LEAQ    (SI)(AX*4), SI
	SHLQ    $2, R10
	SHLQ    $2, R8
	SHLQ    $2, R9
	LEAQ    (R10)(R10*2), R11
	VMOVUPS halves<>+0(SB), Z30
	VMOVUPS halves<>+64(SB), Z31
	KXNORW  K6, K6, K6

inputloop:
	TESTQ   BX, BX
	JLE     inputdone
	MOVQ    $16, CX
	CMPQ    BX, CX
	CMOVQLT BX, CX

	// A block of 16 tiles whose 34 columns lie inside [0, w), as all but
	// the first and last of a row do, reads under K6, all ones.
	CMPQ     BX, $16
	JLT      inputmasks
	TESTQ    R14, R14
	JLT      inputmasks
	LEAQ     34(R14), AX
	CMPQ     AX, w+40(FP)
	JGT      inputmasks
	KMOVW    K6, K1
	KMOVW    K6, K2
	KMOVW    K6, K3
	KMOVW    K6, K4
	KMOVW    K6, K5
	JMP      inputrows

inputmasks:
	// K5: the r = CX tiles of the block. K1…K4: of the 2r+2 columns they
	// read, those inside [0, w) (from column lo = −R14 to hi = w − R14,
	// each clamped to [0, 34]), among columns 0–15, 16–31, 2–17 and 18–33.
	MOVL    $1, AX
	SHLL    CX, AX
	DECL    AX
	KMOVW   AX, K5
	LEAQ    2(CX)(CX*1), CX
	MOVQ    w+40(FP), DX
	SUBQ    R14, DX
	CMPQ    DX, CX
	CMOVQLT DX, CX
	XORL    DX, DX
	CMPQ    CX, DX
	CMOVQLT DX, CX
	MOVQ    $1, AX
	SHLQ    CX, AX
	DECQ    AX
	MOVQ    R14, CX
	NEGQ    CX
	XORL    DX, DX
	CMPQ    CX, DX
	CMOVQLT DX, CX
	MOVQ    $34, DX
	CMPQ    DX, CX
	CMOVQLT DX, CX
	MOVQ    $-1, DX
	SHLQ    CX, DX
	ANDQ    DX, AX
	KMOVW   AX, K1
	MOVQ    AX, DX
	SHRQ    $2, DX
	KMOVW   DX, K3
	SHRQ    $16, AX
	KMOVW   AX, K2
	SHRQ    $2, AX
	KMOVW   AX, K4

inputrows:
	MOVQ SI, AX
	INROW(1, Z8, Z9, Z10, Z11, inabsent0, indone0)
	ADDQ R8, AX
	INROW(2, Z12, Z13, Z14, Z15, inabsent1, indone1)
	ADDQ R8, AX
	INROW(4, Z16, Z17, Z18, Z19, inabsent2, indone2)
	ADDQ R8, AX
	INROW(8, Z20, Z21, Z22, Z23, inabsent3, indone3)

	// Point 4i+j goes to row 4i+j of dst: DI, DX, R12 and R13 are rows 0,
	// 4, 8 and 12.
	LEAQ    (DI)(R10*4), DX
	LEAQ    (DX)(R10*4), R12
	LEAQ    (R12)(R10*4), R13
	INCOL(Z8, Z12, Z16, Z20)
	VMOVUPS Z0, K5, (DI)
	VMOVUPS Z1, K5, (DX)
	VMOVUPS Z2, K5, (R12)
	VMOVUPS Z3, K5, (R13)
	INCOL(Z9, Z13, Z17, Z21)
	VMOVUPS Z0, K5, (DI)(R10*1)
	VMOVUPS Z1, K5, (DX)(R10*1)
	VMOVUPS Z2, K5, (R12)(R10*1)
	VMOVUPS Z3, K5, (R13)(R10*1)
	INCOL(Z10, Z14, Z18, Z22)
	VMOVUPS Z0, K5, (DI)(R10*2)
	VMOVUPS Z1, K5, (DX)(R10*2)
	VMOVUPS Z2, K5, (R12)(R10*2)
	VMOVUPS Z3, K5, (R13)(R10*2)
	INCOL(Z11, Z15, Z19, Z23)
	VMOVUPS Z0, K5, (DI)(R11*1)
	VMOVUPS Z1, K5, (DX)(R11*1)
	VMOVUPS Z2, K5, (R12)(R11*1)
	VMOVUPS Z3, K5, (R13)(R11*1)

	ADDQ $128, SI
	ADDQ $32, R14
	ADDQ $64, DI
	SUBQ $16, BX
	JMP  inputloop

inputdone:
	VZEROUPPER
	RET

// OUTROW stores at AX, under the masks K2 and K3, the row of the 2×2
// tiles Aᵀ·m·A + bias whose row of Aᵀ·m is s0…s3: the two columns are
// made apart and woven into 32 consecutive elements.
#define OUTROW(s0, s1, s2, s3) \
	VADDPS    s1, s0, Z24;       \
	VADDPS    s2, Z24, Z24;      \
	VADDPS    Z29, Z24, Z24;     \
	VSUBPS    s2, s1, Z25;       \
	VSUBPS    s3, Z25, Z25;      \
	VADDPS    Z29, Z25, Z25;     \
	VMOVAPS   Z24, Z26;          \
	VPERMT2PS Z25, Z30, Z24;     \
	VPERMT2PS Z25, Z31, Z26;     \
	VMOVUPS   Z24, K2, (AX);     \
	VMOVUPS   Z26, K3, 64(AX)

// func outputAVX512(dst *float32, ldd int, src *float32, ld, rows, w, n int, bias float32)
//
// It writes the rows a < rows (1 or 2) and the columns below w. Point ξ
// of the block is loaded in Zξ; row a of Aᵀ·m is held in
// Z(16+4a)…Z(19+4a), the bias in Z29; R14 is the column of the block's
// first output. When R9, the hint next in bytes, is not 0, the lines at
// DI+R9 and 64 bytes on, for each row written, are fetched ahead, as
// INROW does. PREFETCHT0 serves: a line that no other cache holds arrives
// exclusive, so that a store needs no further request to own it, and
// PREFETCHW, which the assembler lacks, measured no faster.
TEXT ·outputAVX512(SB), NOSPLIT, $0-72
	MOVQ         dst+0(FP), DI
	MOVQ         ldd+8(FP), R8
	MOVQ         src+16(FP), SI
	MOVQ         ld+24(FP), R10
	MOVQ         n+48(FP), BX
	VBROADCASTSS bias+56(FP), Z29
	MOVQ         next+64(FP), R9
	XORL         R14, R14
	SHLQ         $2, R8
	SHLQ         $2, R10
	SHLQ         $2, R9
	LEAQ         (R10)(R10*2), R11
	VMOVUPS      weave<>+0(SB), Z30
	VMOVUPS      weave<>+64(SB), Z31

outputloop:
	TESTQ   BX, BX
	JLE     outputdone
	MOVQ    $16, CX
	CMPQ    BX, CX
	CMOVQLT BX, CX

	// K1: the r = CX tiles of the block. K2, K3: of the 2r columns they
	// write, those below w (below w − R14 in the block, at least 0),
	// among columns 0–15 and 16–31.
	MOVL    $1, AX
	SHLL    CX, AX
	DECL    AX
	KMOVW   AX, K1
	ADDQ    CX, CX
	MOVQ    w+40(FP), DX
	SUBQ    R14, DX
	CMPQ    DX, CX
	CMOVQLT DX, CX
	XORL    DX, DX
	CMPQ    CX, DX
	CMOVQLT DX, CX
	MOVQ    $1, AX
	SHLQ    CX, AX
	DECQ    AX
	KMOVW   AX, K2
	SHRQ    $16, AX
	KMOVW   AX, K3

	TESTQ      R9, R9
	JZ         outputfetched
	LEAQ       (DI)(R9*1), DX
	PREFETCHT0 (DX)
	PREFETCHT0 64(DX)
	CMPQ       rows+32(FP), $2
	JLT        outputfetched
	PREFETCHT0 (DX)(R8*1)
	PREFETCHT0 64(DX)(R8*1)

outputfetched:
	LEAQ      (SI)(R10*4), DX
	LEAQ      (DX)(R10*4), R12
	LEAQ      (R12)(R10*4), R13
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (SI)(R10*1), K1, Z1
	VMOVUPS.Z (SI)(R10*2), K1, Z2
	VMOVUPS.Z (SI)(R11*1), K1, Z3
	VMOVUPS.Z (DX), K1, Z4
	VMOVUPS.Z (DX)(R10*1), K1, Z5
	VMOVUPS.Z (DX)(R10*2), K1, Z6
	VMOVUPS.Z (DX)(R11*1), K1, Z7
	VMOVUPS.Z (R12), K1, Z8
	VMOVUPS.Z (R12)(R10*1), K1, Z9
	VMOVUPS.Z (R12)(R10*2), K1, Z10
	VMOVUPS.Z (R12)(R11*1), K1, Z11
	VMOVUPS.Z (R13), K1, Z12
	VMOVUPS.Z (R13)(R10*1), K1, Z13
	VMOVUPS.Z (R13)(R10*2), K1, Z14
	VMOVUPS.Z (R13)(R11*1), K1, Z15

	VADDPS Z4, Z0, Z16
	VADDPS Z8, Z16, Z16
	VADDPS Z5, Z1, Z17
	VADDPS Z9, Z17, Z17
	VADDPS Z6, Z2, Z18
	VADDPS Z10, Z18, Z18
	VADDPS Z7, Z3, Z19
	VADDPS Z11, Z19, Z19
	VSUBPS Z8, Z4, Z20
	VSUBPS Z12, Z20, Z20
	VSUBPS Z9, Z5, Z21
	VSUBPS Z13, Z21, Z21
	VSUBPS Z10, Z6, Z22
	VSUBPS Z14, Z22, Z22
	VSUBPS Z11, Z7, Z23
	VSUBPS Z15, Z23, Z23

	MOVQ DI, AX
	OUTROW(Z16, Z17, Z18, Z19)
	CMPQ rows+32(FP), $2
	JLT  outputnext
	LEAQ (DI)(R8*1), AX
	OUTROW(Z20, Z21, Z22, Z23)

outputnext:
	ADDQ $64, SI
	ADDQ $32, R14
	ADDQ $128, DI
	SUBQ $16, BX
	JMP  outputloop

outputdone:
	VZEROUPPER
	RET

// func gradAVX512(dst *float32, ld int, src *float32, lds, rows, w, n int)
//
// It reads the rows a < rows (0, 1 or 2) and the columns below w; the
// others read as zero, a row not read at all. The rows of gy·Aᵀ are held
// in Z0, Z6, Z7, Z8 and Z3, Z9, Z10, Z11; the negations flip the sign
// bit, as Go's unary minus does, so that zeros and NaNs keep the same
// bits. R14 is the column of the block's first sample. When R9, the hint
// next in bytes, is not 0, the lines at SI+R9 and 64 bytes on, for each
// row read, are fetched ahead, as INROW does.
TEXT ·gradAVX512(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         ld+8(FP), R10
	MOVQ         src+16(FP), SI
	MOVQ         lds+24(FP), R8
	MOVQ         n+48(FP), BX
	MOVQ         next+56(FP), R9
	XORL         R14, R14
	SHLQ         $2, R10
	SHLQ         $2, R8
	SHLQ         $2, R9
	LEAQ         (R10)(R10*2), R11
	VMOVUPS      halves<>+0(SB), Z30
	VMOVUPS      halves<>+64(SB), Z31
	MOVL         $0x80000000, AX
	VPBROADCASTD AX, Z29

gradloop:
	TESTQ   BX, BX
	JLE     graddone
	MOVQ    $16, CX
	CMPQ    BX, CX
	CMOVQLT BX, CX

	// K1: the r = CX tiles of the block. K2, K3: of the 2r columns they
	// read, those below w (below w − R14 in the block, at least 0), among
	// columns 0–15 and 16–31.
	MOVL    $1, AX
	SHLL    CX, AX
	DECL    AX
	KMOVW   AX, K1
	ADDQ    CX, CX
	MOVQ    w+40(FP), DX
	SUBQ    R14, DX
	CMPQ    DX, CX
	CMOVQLT DX, CX
	XORL    DX, DX
	CMPQ    CX, DX
	CMOVQLT DX, CX
	MOVQ    $1, AX
	SHLQ    CX, AX
	DECQ    AX
	KMOVW   AX, K2
	SHRQ    $16, AX
	KMOVW   AX, K3

	// Absent rows are +0, as the Go version sets them.
	VPXORD    Z0, Z0, Z0
	VPXORD    Z2, Z2, Z2
	VPXORD    Z3, Z3, Z3
	VPXORD    Z5, Z5, Z5
	MOVQ      rows+32(FP), AX
	CMPQ      AX, $1
	JLT       gradrows
	VMOVUPS.Z (SI), K2, Z0
	VMOVUPS.Z 64(SI), K3, Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z30, Z0
	VPERMT2PS Z1, Z31, Z2

	TESTQ      R9, R9
	JZ         gradrow1
	PREFETCHT0 (SI)(R9*1)
	PREFETCHT0 64(SI)(R9*1)

gradrow1:
	CMPQ      AX, $2
	JLT       gradrows
	VMOVUPS.Z (SI)(R8*1), K2, Z3
	VMOVUPS.Z 64(SI)(R8*1), K3, Z4
	VMOVAPS   Z3, Z5
	VPERMT2PS Z4, Z30, Z3
	VPERMT2PS Z4, Z31, Z5

	TESTQ      R9, R9
	JZ         gradrows
	LEAQ       (SI)(R8*1), DX
	PREFETCHT0 (DX)(R9*1)
	PREFETCHT0 64(DX)(R9*1)

gradrows:

	VADDPS Z2, Z0, Z6
	VSUBPS Z2, Z0, Z7
	VPXORD Z29, Z2, Z8
	VADDPS Z5, Z3, Z9
	VSUBPS Z5, Z3, Z10
	VPXORD Z29, Z5, Z11

	LEAQ    (DI)(R10*4), DX
	LEAQ    (DX)(R10*4), R12
	LEAQ    (R12)(R10*4), R13
	VMOVUPS Z0, K1, (DI)
	VMOVUPS Z6, K1, (DI)(R10*1)
	VMOVUPS Z7, K1, (DI)(R10*2)
	VMOVUPS Z8, K1, (DI)(R11*1)
	VADDPS  Z3, Z0, Z12
	VADDPS  Z9, Z6, Z13
	VADDPS  Z10, Z7, Z14
	VADDPS  Z11, Z8, Z15
	VMOVUPS Z12, K1, (DX)
	VMOVUPS Z13, K1, (DX)(R10*1)
	VMOVUPS Z14, K1, (DX)(R10*2)
	VMOVUPS Z15, K1, (DX)(R11*1)
	VSUBPS  Z3, Z0, Z12
	VSUBPS  Z9, Z6, Z13
	VSUBPS  Z10, Z7, Z14
	VSUBPS  Z11, Z8, Z15
	VMOVUPS Z12, K1, (R12)
	VMOVUPS Z13, K1, (R12)(R10*1)
	VMOVUPS Z14, K1, (R12)(R10*2)
	VMOVUPS Z15, K1, (R12)(R11*1)

	// −u[1][3] = −(−g1) is g1 itself, bit for bit.
	VPXORD  Z29, Z3, Z12
	VPXORD  Z29, Z9, Z13
	VPXORD  Z29, Z10, Z14
	VMOVUPS Z12, K1, (R13)
	VMOVUPS Z13, K1, (R13)(R10*1)
	VMOVUPS Z14, K1, (R13)(R10*2)
	VMOVUPS Z5, K1, (R13)(R11*1)

	ADDQ $128, SI
	ADDQ $32, R14
	ADDQ $64, DI
	SUBQ $16, BX
	JMP  gradloop

graddone:
	VZEROUPPER
	RET
