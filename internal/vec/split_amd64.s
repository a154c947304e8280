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

// func split2AVX512(even, odd, src *float32, n int)
//
// Each block of 32 elements is loaded in two vectors, whose even and odd
// lanes VPERMT2PS gathers into one vector each. The last n mod 32
// elements are loaded under the mask of their lanes, so nothing past src
// is read, and stored under the masks of their ⌈r/2⌉ even and ⌊r/2⌋ odd
// lanes. Each block also prefetches the two cache lines 2 KiB ahead: the
// rows a caller splits one after the other usually lie there, and come
// from memory rather than the caches; a prefetch never faults.
TEXT ·split2AVX512(SB), NOSPLIT, $0-32
	MOVQ    even+0(FP), DI
	MOVQ    odd+8(FP), DX
	MOVQ    src+16(FP), SI
	MOVQ    n+24(FP), CX
	VMOVUPS halves<>+0(SB), Z30
	VMOVUPS halves<>+64(SB), Z31
	CMPQ    CX, $32
	JLT     split2tail

split2loop:
	PREFETCHT0 2048(SI)
	PREFETCHT0 2112(SI)
	VMOVUPS   (SI), Z0
	VMOVUPS   64(SI), Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z30, Z0
	VPERMT2PS Z1, Z31, Z2
	VMOVUPS   Z0, (DI)
	VMOVUPS   Z2, (DX)
	ADDQ      $128, SI
	ADDQ      $64, DI
	ADDQ      $64, DX
	SUBQ      $32, CX
	CMPQ      CX, $32
	JGE       split2loop

split2tail:
	TESTQ CX, CX
	JEQ   split2done

	// K1, K2: the lanes of the r = CX elements left in the two vectors.
	MOVQ  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K1
	SHRQ  $16, AX
	KMOVW AX, K2

	// K3: the ⌈r/2⌉ even lanes, K4: the ⌊r/2⌋ odd lanes.
	MOVQ  CX, BX
	INCQ  CX
	SHRQ  $1, CX
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K3
	MOVQ  BX, CX
	SHRQ  $1, CX
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K4

	PREFETCHT0 2048(SI)
	PREFETCHT0 2112(SI)
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z30, Z0
	VPERMT2PS Z1, Z31, Z2
	VMOVUPS   Z0, K3, (DI)
	VMOVUPS   Z2, K4, (DX)

split2done:
	VZEROUPPER
	RET
