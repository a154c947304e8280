//go:build !purego

#include "textflag.h"

// evens indexes the even lanes of two concatenated vectors of 16 floats.
DATA evens<>+0(SB)/4, $0
DATA evens<>+4(SB)/4, $2
DATA evens<>+8(SB)/4, $4
DATA evens<>+12(SB)/4, $6
DATA evens<>+16(SB)/4, $8
DATA evens<>+20(SB)/4, $10
DATA evens<>+24(SB)/4, $12
DATA evens<>+28(SB)/4, $14
DATA evens<>+32(SB)/4, $16
DATA evens<>+36(SB)/4, $18
DATA evens<>+40(SB)/4, $20
DATA evens<>+44(SB)/4, $22
DATA evens<>+48(SB)/4, $24
DATA evens<>+52(SB)/4, $26
DATA evens<>+56(SB)/4, $28
DATA evens<>+60(SB)/4, $30
GLOBL evens<>(SB), RODATA|NOPTR, $64

// odds indexes the odd lanes of two concatenated vectors of 16 floats.
DATA odds<>+0(SB)/4, $1
DATA odds<>+4(SB)/4, $3
DATA odds<>+8(SB)/4, $5
DATA odds<>+12(SB)/4, $7
DATA odds<>+16(SB)/4, $9
DATA odds<>+20(SB)/4, $11
DATA odds<>+24(SB)/4, $13
DATA odds<>+28(SB)/4, $15
DATA odds<>+32(SB)/4, $17
DATA odds<>+36(SB)/4, $19
DATA odds<>+40(SB)/4, $21
DATA odds<>+44(SB)/4, $23
DATA odds<>+48(SB)/4, $25
DATA odds<>+52(SB)/4, $27
DATA odds<>+56(SB)/4, $29
DATA odds<>+60(SB)/4, $31
GLOBL odds<>(SB), RODATA|NOPTR, $64

// func gatherTaps64x2(dst *float32, rows int, src *float32, sc, off0, t0, taps int, bases *int, masks *uint64)
TEXT ·gatherTaps64x2(SB), NOSPLIT, $0-72
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
	VMOVUPS evens<>(SB), Z31
	VMOVUPS odds<>(SB), Z30
	MOVQ $0x5555555555555555, R15

tloop:
	MOVQ  (R8)(R13*8), R11
	TESTQ R11, R11
	JEQ   tskip
	MOVQ  (BX)(R13*8), DX
	LEAQ  (SI)(DX*4), R9
	ADDQ  R12, R9

	// A next row of the same channel whose tap starts one element later
	// reads the odd elements of this row's span: gather both rows from
	// one set of loads.
	CMPQ  CX, $2
	JLT   single
	LEAQ  1(R13), R14
	CMPQ  R14, AX
	JGE   single
	MOVQ  8(BX)(R13*8), R14
	SUBQ  DX, R14
	CMPQ  R14, $1
	JNE   single
	MOVQ  8(R8)(R13*8), R14
	TESTQ R14, R14
	JNE   pair

single:
	PREFETCHT0 512(R9)
	PREFETCHT0 576(R9)
	PREFETCHT0 640(R9)
	PREFETCHT0 704(R9)
	PREFETCHT0 768(R9)
	PREFETCHT0 832(R9)
	PREFETCHT0 896(R9)
	PREFETCHT0 960(R9)

	// Columns 0-31 read floats 0-63: spread their mask bits onto the
	// even lanes.
	MOVL  R11, R14
	PDEPQ R15, R14, R14
	KMOVW R14, K1
	SHRQ  $16, R14
	KMOVW R14, K2
	SHRQ  $16, R14
	KMOVW R14, K3
	SHRQ  $16, R14
	KMOVW R14, K4
	VMOVUPS.Z (R9), K1, Z0
	VMOVUPS.Z 64(R9), K2, Z1
	VMOVUPS.Z 128(R9), K3, Z2
	VMOVUPS.Z 192(R9), K4, Z3

	// Columns 32-63 read floats 64-127.
	SHRQ  $32, R11
	PDEPQ R15, R11, R11
	KMOVW R11, K1
	SHRQ  $16, R11
	KMOVW R11, K2
	SHRQ  $16, R11
	KMOVW R11, K3
	SHRQ  $16, R11
	KMOVW R11, K4
	VMOVUPS.Z 256(R9), K1, Z4
	VMOVUPS.Z 320(R9), K2, Z5
	VMOVUPS.Z 384(R9), K3, Z6
	VMOVUPS.Z 448(R9), K4, Z7

	VPERMT2PS Z1, Z31, Z0
	VPERMT2PS Z3, Z31, Z2
	VPERMT2PS Z5, Z31, Z4
	VPERMT2PS Z7, Z31, Z6
	VMOVUPS Z0, (DI)
	VMOVUPS Z2, 64(DI)
	VMOVUPS Z4, 128(DI)
	VMOVUPS Z6, 192(DI)
	JMP     tskip

	// The pair's columns 0-31: this row's bits on the even lanes, the next
	// row's on the odd lanes.
pair:
	PREFETCHT0 512(R9)
	PREFETCHT0 576(R9)
	PREFETCHT0 640(R9)
	PREFETCHT0 704(R9)
	PREFETCHT0 768(R9)
	PREFETCHT0 832(R9)
	PREFETCHT0 896(R9)
	PREFETCHT0 960(R9)
	MOVL  R11, R14
	PDEPQ R15, R14, R14
	MOVL  8(R8)(R13*8), DX
	PDEPQ R15, DX, DX
	SHLQ  $1, DX
	ORQ   DX, R14
	KMOVW R14, K1
	SHRQ  $16, R14
	KMOVW R14, K2
	SHRQ  $16, R14
	KMOVW R14, K3
	SHRQ  $16, R14
	KMOVW R14, K4
	VMOVUPS.Z (R9), K1, Z0
	VMOVUPS.Z 64(R9), K2, Z1
	VMOVUPS.Z 128(R9), K3, Z2
	VMOVUPS.Z 192(R9), K4, Z3

	// Columns 32-63.
	SHRQ  $32, R11
	PDEPQ R15, R11, R11
	MOVL  12(R8)(R13*8), DX
	PDEPQ R15, DX, DX
	SHLQ  $1, DX
	ORQ   DX, R11
	KMOVW R11, K1
	SHRQ  $16, R11
	KMOVW R11, K2
	SHRQ  $16, R11
	KMOVW R11, K3
	SHRQ  $16, R11
	KMOVW R11, K4
	VMOVUPS.Z 256(R9), K1, Z4
	VMOVUPS.Z 320(R9), K2, Z5
	VMOVUPS.Z 384(R9), K3, Z6
	VMOVUPS.Z 448(R9), K4, Z7

	VMOVAPS Z30, Z8
	VMOVAPS Z30, Z9
	VMOVAPS Z30, Z10
	VMOVAPS Z30, Z11
	VPERMI2PS Z1, Z0, Z8
	VPERMI2PS Z3, Z2, Z9
	VPERMI2PS Z5, Z4, Z10
	VPERMI2PS Z7, Z6, Z11
	VPERMT2PS Z1, Z31, Z0
	VPERMT2PS Z3, Z31, Z2
	VPERMT2PS Z5, Z31, Z4
	VPERMT2PS Z7, Z31, Z6
	VMOVUPS Z0, (DI)
	VMOVUPS Z2, 64(DI)
	VMOVUPS Z4, 128(DI)
	VMOVUPS Z6, 192(DI)
	VMOVUPS Z8, 256(DI)
	VMOVUPS Z9, 320(DI)
	VMOVUPS Z10, 384(DI)
	VMOVUPS Z11, 448(DI)

	// Step over the first row here and over the second at tskip, where
	// the tap may wrap to the next channel.
	ADDQ $256, DI
	INCQ R13
	DECQ CX
	JMP  tskip

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
