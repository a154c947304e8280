//go:build !purego

#include "textflag.h"

// func addRunsAVX512(dst, src *float32, runs *Run, n int)
//
// DX walks the runs, three words each (Pos, N, Off), up to R9; a run's
// elements go four vectors at a time, then one, then under a mask.
TEXT ·addRunsAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), R10
	MOVQ src+8(FP), R11
	MOVQ runs+16(FP), DX
	MOVQ n+24(FP), R9
	LEAQ (R9)(R9*2), R9
	LEAQ (DX)(R9*8), R9

run:
	MOVQ 0(DX), SI
	LEAQ (R11)(SI*4), SI
	MOVQ 8(DX), CX
	MOVQ 16(DX), DI
	LEAQ (R10)(DI*4), DI
	CMPQ CX, $64
	JLT  add16

add64:
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS 128(DI), Z2
	VMOVUPS 192(DI), Z3
	VADDPS  (SI), Z0, Z0
	VADDPS  64(SI), Z1, Z1
	VADDPS  128(SI), Z2, Z2
	VADDPS  192(SI), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, DI
	ADDQ    $256, SI
	SUBQ    $64, CX
	CMPQ    CX, $64
	JGE     add64

add16:
	CMPQ    CX, $16
	JLT     tail
	VMOVUPS (DI), Z0
	VADDPS  (SI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     add16

tail:
	TESTQ     CX, CX
	JEQ       next
	MOVL      $1, AX
	SHLL      CX, AX
	DECL      AX
	KMOVW     AX, K1
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VADDPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (DI)

next:
	ADDQ $24, DX
	CMPQ DX, R9
	JLT  run
	VZEROUPPER
	RET
