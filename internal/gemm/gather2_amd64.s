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
	MOVQ $0x5555555555555555, R15

tloop:
	MOVQ  (R8)(R13*8), R11
	TESTQ R11, R11
	JEQ   tskip
	MOVQ  (BX)(R13*8), DX
	LEAQ  (SI)(DX*4), R9
	ADDQ  R12, R9
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
