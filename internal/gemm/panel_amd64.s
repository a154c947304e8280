//go:build !purego

#include "textflag.h"

// func gather64(dst *float32, rows int, src *float32, offs *int, masks *uint64)
TEXT ·gather64(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ rows+8(FP), CX
	MOVQ src+16(FP), SI
	MOVQ offs+24(FP), BX
	MOVQ masks+32(FP), R8

loop:
	MOVQ  (R8), R11
	TESTQ R11, R11
	JEQ   skip
	MOVQ  (BX), DX
	KMOVW R11, K1
	SHRQ  $16, R11
	KMOVW R11, K2
	SHRQ  $16, R11
	KMOVW R11, K3
	SHRQ  $16, R11
	KMOVW R11, K4
	LEAQ  (SI)(DX*4), R9
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

skip:
	ADDQ $256, DI
	ADDQ $8, BX
	ADDQ $8, R8
	DECQ CX
	JNE  loop
	VZEROUPPER
	RET
