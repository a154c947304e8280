//go:build !purego

#include "textflag.h"

// func gatherTaps64(dst *float32, rows int, src *float32, sc, off0, t0, taps int, bases *int, masks *uint64)
TEXT ·gatherTaps64(SB), NOSPLIT, $0-72
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

tloop:
	MOVQ  (R8)(R13*8), R11
	TESTQ R11, R11
	JEQ   tskip
	KMOVW R11, K1
	SHRQ  $16, R11
	KMOVW R11, K2
	SHRQ  $16, R11
	KMOVW R11, K3
	SHRQ  $16, R11
	KMOVW R11, K4
	MOVQ  (BX)(R13*8), DX
	LEAQ  (SI)(DX*4), R9
	ADDQ  R12, R9
	PREFETCHT0 256(R9)
	PREFETCHT0 320(R9)
	PREFETCHT0 384(R9)
	PREFETCHT0 448(R9)
	VMOVUPS.Z (R9), K1, Z0
	VMOVUPS.Z 64(R9), K2, Z1
	VMOVUPS.Z 128(R9), K3, Z2
	VMOVUPS.Z 192(R9), K4, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)

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
