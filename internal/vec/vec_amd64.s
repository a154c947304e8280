//go:build !purego

#include "textflag.h"

// spread holds the lane indices 0, 0, 1, 1, …, 15, 15: the two halves
// spread lanes 0–7 and 8–15 of a vector over the even lanes of two.
DATA spread<>+0(SB)/4, $0
DATA spread<>+4(SB)/4, $0
DATA spread<>+8(SB)/4, $1
DATA spread<>+12(SB)/4, $1
DATA spread<>+16(SB)/4, $2
DATA spread<>+20(SB)/4, $2
DATA spread<>+24(SB)/4, $3
DATA spread<>+28(SB)/4, $3
DATA spread<>+32(SB)/4, $4
DATA spread<>+36(SB)/4, $4
DATA spread<>+40(SB)/4, $5
DATA spread<>+44(SB)/4, $5
DATA spread<>+48(SB)/4, $6
DATA spread<>+52(SB)/4, $6
DATA spread<>+56(SB)/4, $7
DATA spread<>+60(SB)/4, $7
DATA spread<>+64(SB)/4, $8
DATA spread<>+68(SB)/4, $8
DATA spread<>+72(SB)/4, $9
DATA spread<>+76(SB)/4, $9
DATA spread<>+80(SB)/4, $10
DATA spread<>+84(SB)/4, $10
DATA spread<>+88(SB)/4, $11
DATA spread<>+92(SB)/4, $11
DATA spread<>+96(SB)/4, $12
DATA spread<>+100(SB)/4, $12
DATA spread<>+104(SB)/4, $13
DATA spread<>+108(SB)/4, $13
DATA spread<>+112(SB)/4, $14
DATA spread<>+116(SB)/4, $14
DATA spread<>+120(SB)/4, $15
DATA spread<>+124(SB)/4, $15
GLOBL spread<>(SB), RODATA|NOPTR, $128

// spread3 holds, for lane l of vector k of three, the element (16k + l)/3
// of a vector where 16k + l is a multiple of 3, and 0 elsewhere: the
// lanes that a scatter at step 3 writes.
DATA spread3<>+0(SB)/4, $0
DATA spread3<>+4(SB)/4, $0
DATA spread3<>+8(SB)/4, $0
DATA spread3<>+12(SB)/4, $1
DATA spread3<>+16(SB)/4, $0
DATA spread3<>+20(SB)/4, $0
DATA spread3<>+24(SB)/4, $2
DATA spread3<>+28(SB)/4, $0
DATA spread3<>+32(SB)/4, $0
DATA spread3<>+36(SB)/4, $3
DATA spread3<>+40(SB)/4, $0
DATA spread3<>+44(SB)/4, $0
DATA spread3<>+48(SB)/4, $4
DATA spread3<>+52(SB)/4, $0
DATA spread3<>+56(SB)/4, $0
DATA spread3<>+60(SB)/4, $5
DATA spread3<>+64(SB)/4, $0
DATA spread3<>+68(SB)/4, $0
DATA spread3<>+72(SB)/4, $6
DATA spread3<>+76(SB)/4, $0
DATA spread3<>+80(SB)/4, $0
DATA spread3<>+84(SB)/4, $7
DATA spread3<>+88(SB)/4, $0
DATA spread3<>+92(SB)/4, $0
DATA spread3<>+96(SB)/4, $8
DATA spread3<>+100(SB)/4, $0
DATA spread3<>+104(SB)/4, $0
DATA spread3<>+108(SB)/4, $9
DATA spread3<>+112(SB)/4, $0
DATA spread3<>+116(SB)/4, $0
DATA spread3<>+120(SB)/4, $10
DATA spread3<>+124(SB)/4, $0
DATA spread3<>+128(SB)/4, $0
DATA spread3<>+132(SB)/4, $11
DATA spread3<>+136(SB)/4, $0
DATA spread3<>+140(SB)/4, $0
DATA spread3<>+144(SB)/4, $12
DATA spread3<>+148(SB)/4, $0
DATA spread3<>+152(SB)/4, $0
DATA spread3<>+156(SB)/4, $13
DATA spread3<>+160(SB)/4, $0
DATA spread3<>+164(SB)/4, $0
DATA spread3<>+168(SB)/4, $14
DATA spread3<>+172(SB)/4, $0
DATA spread3<>+176(SB)/4, $0
DATA spread3<>+180(SB)/4, $15
DATA spread3<>+184(SB)/4, $0
DATA spread3<>+188(SB)/4, $0
GLOBL spread3<>(SB), RODATA|NOPTR, $192

// evens holds the lane indices 0, 2, …, 30: the even lanes of two vectors.
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

// TAILMASK sets K1 to the lowest CX lanes, 0 ≤ CX < 16; it uses AX.
#define TAILMASK \
	MOVL  $1, AX;  \
	SHLL  CX, AX;  \
	DECL  AX;      \
	KMOVW AX, K1

// EVENMASKS sets K2 and K3 to the even lanes among the lowest 2·CX − 1
// lanes of a pair of vectors, 1 ≤ CX < 16: the elements 0, 2, …, 2·CX − 2.
// It uses AX and BX and keeps CX.
#define EVENMASKS \
	MOVQ  CX, BX;                 \
	LEAL  -1(CX)(CX*1), CX;       \
	MOVL  $1, AX;                 \
	SHLL  CX, AX;                 \
	DECL  AX;                     \
	ANDL  $0x55555555, AX;        \
	KMOVW AX, K2;                 \
	SHRL  $16, AX;                \
	KMOVW AX, K3;                 \
	MOVQ  BX, CX

// func addAVX512(dst, src *float32, n int)
TEXT ·addAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
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
	JLT     addtail
	VMOVUPS (DI), Z0
	VADDPS  (SI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     add16

addtail:
	TESTQ     CX, CX
	JEQ       adddone
	TAILMASK
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VADDPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (DI)

adddone:
	VZEROUPPER
	RET

// func addInc2AVX512(dst, src *float32, n int)
TEXT ·addInc2AVX512(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPS spread<>+0(SB), Z30
	VMOVUPS spread<>+64(SB), Z31
	MOVL    $0x5555, AX
	KMOVW   AX, K4
	CMPQ    CX, $16
	JLT     addinc2tail

addinc2loop:
	VMOVUPS   (SI), Z0
	VPERMPS   Z0, Z30, Z1
	VPERMPS   Z0, Z31, Z2
	VMOVUPS.Z (DI), K4, Z3
	VMOVUPS.Z 64(DI), K4, Z4
	VADDPS    Z1, Z3, Z3
	VADDPS    Z2, Z4, Z4
	VMOVUPS   Z3, K4, (DI)
	VMOVUPS   Z4, K4, 64(DI)
	ADDQ      $64, SI
	ADDQ      $128, DI
	SUBQ      $16, CX
	CMPQ      CX, $16
	JGE       addinc2loop

addinc2tail:
	TESTQ     CX, CX
	JEQ       addinc2done
	TAILMASK
	EVENMASKS
	VMOVUPS.Z (SI), K1, Z0
	VPERMPS   Z0, Z30, Z1
	VPERMPS   Z0, Z31, Z2
	VMOVUPS.Z (DI), K2, Z3
	VMOVUPS.Z 64(DI), K3, Z4
	VADDPS    Z1, Z3, Z3
	VADDPS    Z2, Z4, Z4
	VMOVUPS   Z3, K2, (DI)
	VMOVUPS   Z4, K3, 64(DI)

addinc2done:
	VZEROUPPER
	RET

// func gather2AVX512(dst, src *float32, n int)
TEXT ·gather2AVX512(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPS evens<>(SB), Z31
	MOVL    $0x5555, AX
	KMOVW   AX, K4
	CMPQ    CX, $16
	JLT     gather2tail

gather2loop:
	VMOVUPS.Z (SI), K4, Z0
	VMOVUPS.Z 64(SI), K4, Z1
	VPERMT2PS Z1, Z31, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $128, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	CMPQ      CX, $16
	JGE       gather2loop

gather2tail:
	TESTQ     CX, CX
	JEQ       gather2done
	TAILMASK
	EVENMASKS
	VMOVUPS.Z (SI), K2, Z0
	VMOVUPS.Z 64(SI), K3, Z1
	VPERMT2PS Z1, Z31, Z0
	VMOVUPS   Z0, K1, (DI)

gather2done:
	VZEROUPPER
	RET

// func scatterBias1AVX512(dst, src *float32, n int, b float32)
TEXT ·scatterBias1AVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS b+24(FP), Z31
	CMPQ         CX, $64
	JLT          bias16

bias64:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VADDPS  Z31, Z0, Z0
	VADDPS  Z31, Z1, Z1
	VADDPS  Z31, Z2, Z2
	VADDPS  Z31, Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, DI
	ADDQ    $256, SI
	SUBQ    $64, CX
	CMPQ    CX, $64
	JGE     bias64

bias16:
	CMPQ    CX, $16
	JLT     biastail
	VMOVUPS (SI), Z0
	VADDPS  Z31, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     bias16

biastail:
	TESTQ     CX, CX
	JEQ       biasdone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z0
	VADDPS    Z31, Z0, Z0
	VMOVUPS   Z0, K1, (DI)

biasdone:
	VZEROUPPER
	RET

// func scatterBias2AVX512(dst, src *float32, n int, b float32)
//
// Each block of 16 elements is spread over the even lanes of two vectors
// and stored under the mask of those lanes. A masked store to a line not
// in the cache waits for the line: the phases of an output that the
// engine writes at step 2 cover whole tensors, which lie in memory, so
// each block prefetches the two lines 1 KiB ahead, where the rows of the
// same phase and channel that a tile writes next usually start; a
// prefetch never faults.
TEXT ·scatterBias2AVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS b+24(FP), Z29
	VMOVUPS      spread<>+0(SB), Z30
	VMOVUPS      spread<>+64(SB), Z31
	MOVL         $0x5555, AX
	KMOVW        AX, K4
	CMPQ         CX, $16
	JLT          bias2tail

bias2loop:
	PREFETCHT0 1024(DI)
	PREFETCHT0 1088(DI)
	VMOVUPS    (SI), Z0
	VADDPS     Z29, Z0, Z0
	VPERMPS    Z0, Z30, Z1
	VPERMPS    Z0, Z31, Z2
	VMOVUPS    Z1, K4, (DI)
	VMOVUPS    Z2, K4, 64(DI)
	ADDQ       $64, SI
	ADDQ       $128, DI
	SUBQ       $16, CX
	CMPQ       CX, $16
	JGE        bias2loop

bias2tail:
	TESTQ     CX, CX
	JEQ       bias2done
	TAILMASK
	EVENMASKS
	VMOVUPS.Z (SI), K1, Z0
	VADDPS    Z29, Z0, Z0
	VPERMPS   Z0, Z30, Z1
	VPERMPS   Z0, Z31, Z2
	VMOVUPS   Z1, K2, (DI)
	VMOVUPS   Z2, K3, 64(DI)

bias2done:
	VZEROUPPER
	RET

// func scatterBias3AVX512(dst, src *float32, n int, b float32)
//
// Each block of 16 elements is spread over the lanes 0, 3, 6, … of three
// vectors and stored under the masks of those lanes, prefetching 1 KiB
// ahead as scatterBias2AVX512 does. The last r = n mod 16 elements are
// loaded under the mask of their lanes and stored under the masks of the
// lanes below 3r − 2, so nothing past dst[3(n−1)] is written.
TEXT ·scatterBias3AVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS b+24(FP), Z28
	VMOVUPS      spread3<>+0(SB), Z29
	VMOVUPS      spread3<>+64(SB), Z30
	VMOVUPS      spread3<>+128(SB), Z31
	MOVL         $0x9249, AX
	KMOVW        AX, K4
	MOVL         $0x4924, AX
	KMOVW        AX, K5
	MOVL         $0x2492, AX
	KMOVW        AX, K6
	CMPQ         CX, $16
	JLT          bias3tail

bias3loop:
	PREFETCHT0 1024(DI)
	PREFETCHT0 1088(DI)
	PREFETCHT0 1152(DI)
	VMOVUPS    (SI), Z0
	VADDPS     Z28, Z0, Z0
	VPERMPS    Z0, Z29, Z1
	VPERMPS    Z0, Z30, Z2
	VPERMPS    Z0, Z31, Z3
	VMOVUPS    Z1, K4, (DI)
	VMOVUPS    Z2, K5, 64(DI)
	VMOVUPS    Z3, K6, 128(DI)
	ADDQ       $64, SI
	ADDQ       $192, DI
	SUBQ       $16, CX
	CMPQ       CX, $16
	JGE        bias3loop

bias3tail:
	TESTQ CX, CX
	JEQ   bias3done
	TAILMASK

	// K2, K3, K4: the lanes 3i < 3r − 2 of the three vectors, from the
	// 48-bit mask (2^(3r−2) − 1) ∧ 0x249249249249.
	LEAQ  -2(CX)(CX*2), CX
	MOVQ  $1, AX
	SHLQ  CX, AX
	DECQ  AX
	MOVQ  $0x249249249249, BX
	ANDQ  BX, AX
	KMOVW AX, K2
	SHRQ  $16, AX
	KMOVW AX, K3
	SHRQ  $16, AX
	KMOVW AX, K4

	VMOVUPS.Z (SI), K1, Z0
	VADDPS    Z28, Z0, Z0
	VPERMPS   Z0, Z29, Z1
	VPERMPS   Z0, Z30, Z2
	VPERMPS   Z0, Z31, Z3
	VMOVUPS   Z1, K2, (DI)
	VMOVUPS   Z2, K3, 64(DI)
	VMOVUPS   Z3, K4, 128(DI)

bias3done:
	VZEROUPPER
	RET

// func addAVX2(dst, src *float32, n int)
TEXT ·addAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	CMPQ CX, $32
	JLT  add8avx2

add32avx2:
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VADDPS  64(SI), Y2, Y2
	VADDPS  96(SI), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	SUBQ    $32, CX
	CMPQ    CX, $32
	JGE     add32avx2

add8avx2:
	TESTQ   CX, CX
	JEQ     adddoneavx2
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     add8avx2

adddoneavx2:
	VZEROUPPER
	RET

// func scatterBias1AVX2(dst, src *float32, n int, b float32)
TEXT ·scatterBias1AVX2(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS b+24(FP), Y15

bias8avx2:
	VMOVUPS (SI), Y0
	VADDPS  Y15, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JNZ     bias8avx2

	VZEROUPPER
	RET

// func copyAVX512(dst, src *float32, n int)
TEXT ·copyAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	CMPQ CX, $64
	JLT  copy16

copy64:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, DI
	ADDQ    $256, SI
	SUBQ    $64, CX
	CMPQ    CX, $64
	JGE     copy64

copy16:
	CMPQ    CX, $16
	JLT     copytail
	VMOVUPS (SI), Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     copy16

copytail:
	TESTQ     CX, CX
	JEQ       copydone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS   Z0, K1, (DI)

copydone:
	VZEROUPPER
	RET

// evenmask selects the even lanes of a YMM vector for VMASKMOVPS.
DATA evenmask<>+0(SB)/8, $0x00000000ffffffff
DATA evenmask<>+8(SB)/8, $0x00000000ffffffff
DATA evenmask<>+16(SB)/8, $0x00000000ffffffff
DATA evenmask<>+24(SB)/8, $0x00000000ffffffff
GLOBL evenmask<>(SB), RODATA|NOPTR, $32

// func addInc2AVX2(dst, src *float32, n int)
TEXT ·addInc2AVX2(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPS spread<>+0(SB), Y13
	VMOVUPS spread<>+32(SB), Y14
	VMOVUPS evenmask<>(SB), Y15

addinc2avx2:
	VMOVUPS    (SI), Y0
	VPERMPS    Y0, Y13, Y1
	VPERMPS    Y0, Y14, Y2
	VMASKMOVPS (DI), Y15, Y3
	VMASKMOVPS 32(DI), Y15, Y4
	VADDPS     Y1, Y3, Y3
	VADDPS     Y2, Y4, Y4
	VMASKMOVPS Y3, Y15, (DI)
	VMASKMOVPS Y4, Y15, 32(DI)
	ADDQ       $32, SI
	ADDQ       $64, DI
	SUBQ       $8, CX
	JNZ        addinc2avx2

	VZEROUPPER
	RET

// func gather2AVX2(dst, src *float32, n int)
TEXT ·gather2AVX2(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPS evenmask<>(SB), Y15

gather2avx2:
	// Lanes s0…s15 hold the even elements; the shuffle takes s0 s2 s8
	// s10 from the low halves and s4 s6 s12 s14 from the high ones, and
	// the permutation of 64-bit pairs puts them in order.
	VMASKMOVPS (SI), Y15, Y0
	VMASKMOVPS 32(SI), Y15, Y1
	VSHUFPS    $0x88, Y1, Y0, Y2
	VPERMPD    $0xd8, Y2, Y2
	VMOVUPS    Y2, (DI)
	ADDQ       $64, SI
	ADDQ       $32, DI
	SUBQ       $8, CX
	JNZ        gather2avx2

	VZEROUPPER
	RET

// func scatterBias2AVX2(dst, src *float32, n int, b float32)
TEXT ·scatterBias2AVX2(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS b+24(FP), Y12
	VMOVUPS      spread<>+0(SB), Y13
	VMOVUPS      spread<>+32(SB), Y14
	VMOVUPS      evenmask<>(SB), Y15

bias2avx2:
	VMOVUPS    (SI), Y0
	VADDPS     Y12, Y0, Y0
	VPERMPS    Y0, Y13, Y1
	VPERMPS    Y0, Y14, Y2
	VMASKMOVPS Y1, Y15, (DI)
	VMASKMOVPS Y2, Y15, 32(DI)
	ADDQ       $32, SI
	ADDQ       $64, DI
	SUBQ       $8, CX
	JNZ        bias2avx2

	VZEROUPPER
	RET

// func axpy1AVX512(dst, src *float32, n int, a float32)
TEXT ·axpy1AVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Z31
	CMPQ         CX, $64
	JLT          axpy16

axpy64:
	VMULPS  (SI), Z31, Z0
	VMULPS  64(SI), Z31, Z1
	VMULPS  128(SI), Z31, Z2
	VMULPS  192(SI), Z31, Z3
	VADDPS  (DI), Z0, Z0
	VADDPS  64(DI), Z1, Z1
	VADDPS  128(DI), Z2, Z2
	VADDPS  192(DI), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, DI
	ADDQ    $256, SI
	SUBQ    $64, CX
	CMPQ    CX, $64
	JGE     axpy64

axpy16:
	CMPQ    CX, $16
	JLT     axpytail
	VMULPS  (SI), Z31, Z0
	VADDPS  (DI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     axpy16

axpytail:
	TESTQ     CX, CX
	JEQ       axpydone
	TAILMASK
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DI), K1, Z1
	VMULPS    Z31, Z0, Z0
	VADDPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (DI)

axpydone:
	VZEROUPPER
	RET

// func axpy2AVX512(dst, src *float32, n int, a float32)
TEXT ·axpy2AVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Z30
	VMOVUPS      evens<>(SB), Z31
	MOVL         $0x5555, AX
	KMOVW        AX, K4
	CMPQ         CX, $16
	JLT          axpy2tail

axpy2loop:
	VMOVUPS.Z (SI), K4, Z0
	VMOVUPS.Z 64(SI), K4, Z1
	VPERMT2PS Z1, Z31, Z0
	VMULPS    Z30, Z0, Z0
	VADDPS    (DI), Z0, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $128, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	CMPQ      CX, $16
	JGE       axpy2loop

axpy2tail:
	TESTQ     CX, CX
	JEQ       axpy2done
	TAILMASK
	EVENMASKS
	VMOVUPS.Z (SI), K2, Z0
	VMOVUPS.Z 64(SI), K3, Z1
	VPERMT2PS Z1, Z31, Z0
	VMULPS    Z30, Z0, Z0
	VMOVUPS.Z (DI), K1, Z2
	VADDPS    Z2, Z0, Z0
	VMOVUPS   Z0, K1, (DI)

axpy2done:
	VZEROUPPER
	RET

// func axpyInc2AVX512(dst, src *float32, n int, a float32)
TEXT ·axpyInc2AVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Z29
	VMOVUPS      spread<>+0(SB), Z30
	VMOVUPS      spread<>+64(SB), Z31
	MOVL         $0x5555, AX
	KMOVW        AX, K4
	CMPQ         CX, $16
	JLT          axpyinc2tail

axpyinc2loop:
	VMULPS    (SI), Z29, Z0
	VPERMPS   Z0, Z30, Z1
	VPERMPS   Z0, Z31, Z2
	VMOVUPS.Z (DI), K4, Z3
	VMOVUPS.Z 64(DI), K4, Z4
	VADDPS    Z1, Z3, Z3
	VADDPS    Z2, Z4, Z4
	VMOVUPS   Z3, K4, (DI)
	VMOVUPS   Z4, K4, 64(DI)
	ADDQ      $64, SI
	ADDQ      $128, DI
	SUBQ      $16, CX
	CMPQ      CX, $16
	JGE       axpyinc2loop

axpyinc2tail:
	TESTQ     CX, CX
	JEQ       axpyinc2done
	TAILMASK
	EVENMASKS
	VMOVUPS.Z (SI), K1, Z0
	VMULPS    Z29, Z0, Z0
	VPERMPS   Z0, Z30, Z1
	VPERMPS   Z0, Z31, Z2
	VMOVUPS.Z (DI), K2, Z3
	VMOVUPS.Z 64(DI), K3, Z4
	VADDPS    Z1, Z3, Z3
	VADDPS    Z2, Z4, Z4
	VMOVUPS   Z3, K2, (DI)
	VMOVUPS   Z4, K3, 64(DI)

axpyinc2done:
	VZEROUPPER
	RET

// func axpy1AVX2(dst, src *float32, n int, a float32)
TEXT ·axpy1AVX2(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Y15
	CMPQ         CX, $32
	JLT          axpy8avx2

axpy32avx2:
	VMULPS  (SI), Y15, Y0
	VMULPS  32(SI), Y15, Y1
	VMULPS  64(SI), Y15, Y2
	VMULPS  96(SI), Y15, Y3
	VADDPS  (DI), Y0, Y0
	VADDPS  32(DI), Y1, Y1
	VADDPS  64(DI), Y2, Y2
	VADDPS  96(DI), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	SUBQ    $32, CX
	CMPQ    CX, $32
	JGE     axpy32avx2

axpy8avx2:
	TESTQ   CX, CX
	JEQ     axpydoneavx2
	VMULPS  (SI), Y15, Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     axpy8avx2

axpydoneavx2:
	VZEROUPPER
	RET

// func axpy2AVX2(dst, src *float32, n int, a float32)
TEXT ·axpy2AVX2(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Y14
	VMOVUPS      evenmask<>(SB), Y15

axpy2avx2:
	// As in gather2AVX2, then multiplied and added.
	VMASKMOVPS (SI), Y15, Y0
	VMASKMOVPS 32(SI), Y15, Y1
	VSHUFPS    $0x88, Y1, Y0, Y2
	VPERMPD    $0xd8, Y2, Y2
	VMULPS     Y14, Y2, Y2
	VADDPS     (DI), Y2, Y2
	VMOVUPS    Y2, (DI)
	ADDQ       $64, SI
	ADDQ       $32, DI
	SUBQ       $8, CX
	JNZ        axpy2avx2

	VZEROUPPER
	RET

// func axpyInc2AVX2(dst, src *float32, n int, a float32)
TEXT ·axpyInc2AVX2(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Y12
	VMOVUPS      spread<>+0(SB), Y13
	VMOVUPS      spread<>+32(SB), Y14
	VMOVUPS      evenmask<>(SB), Y15

axpyinc2avx2:
	VMULPS     (SI), Y12, Y0
	VPERMPS    Y0, Y13, Y1
	VPERMPS    Y0, Y14, Y2
	VMASKMOVPS (DI), Y15, Y3
	VMASKMOVPS 32(DI), Y15, Y4
	VADDPS     Y1, Y3, Y3
	VADDPS     Y2, Y4, Y4
	VMASKMOVPS Y3, Y15, (DI)
	VMASKMOVPS Y4, Y15, 32(DI)
	ADDQ       $32, SI
	ADDQ       $64, DI
	SUBQ       $8, CX
	JNZ        axpyinc2avx2

	VZEROUPPER
	RET

// odds holds the lane indices 1, 3, …, 31: the odd lanes of two vectors.
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

// func repeat2AVX512(dst, src *float32, n int)
TEXT ·repeat2AVX512(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPS spread<>+0(SB), Z30
	VMOVUPS spread<>+64(SB), Z31

repeat2loop:
	VMOVUPS (SI), Z0
	VPERMPS Z0, Z30, Z1
	VPERMPS Z0, Z31, Z2
	VMOVUPS Z1, (DI)
	VMOVUPS Z2, 64(DI)
	ADDQ    $64, SI
	ADDQ    $128, DI
	SUBQ    $32, CX
	JNZ     repeat2loop

	VZEROUPPER
	RET

// func addPairsAVX512(dst, src *float32, n int)
TEXT ·addPairsAVX512(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPS evens<>(SB), Z30
	VMOVUPS odds<>(SB), Z31

addpairsloop:
	VMOVUPS   (SI), Z0
	VMOVUPS   Z0, Z1
	VMOVUPS   64(SI), Z2
	VPERMT2PS Z2, Z30, Z0
	VPERMT2PS Z2, Z31, Z1
	VMOVUPS   (DI), Z3
	VADDPS    Z0, Z3, Z3
	VADDPS    Z1, Z3, Z3
	VMOVUPS   Z3, (DI)
	ADDQ      $128, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       addpairsloop

	VZEROUPPER
	RET

// func repeat2AVX2(dst, src *float32, n int)
TEXT ·repeat2AVX2(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPS spread<>+0(SB), Y14
	VMOVUPS spread<>+32(SB), Y15

repeat2avx2:
	VMOVUPS (SI), Y0
	VPERMPS Y0, Y14, Y1
	VPERMPS Y0, Y15, Y2
	VMOVUPS Y1, (DI)
	VMOVUPS Y2, 32(DI)
	ADDQ    $32, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     repeat2avx2

	VZEROUPPER
	RET

// func addPairsAVX2(dst, src *float32, n int)
TEXT ·addPairsAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

addpairsavx2:
	// The shuffles take the even (odd) elements s0 s2 s8 s10 from the
	// low halves and s4 s6 s12 s14 from the high ones, and the
	// permutation of 64-bit pairs puts them in order.
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VSHUFPS $0x88, Y1, Y0, Y2
	VSHUFPS $0xdd, Y1, Y0, Y3
	VPERMPD $0xd8, Y2, Y2
	VPERMPD $0xd8, Y3, Y3
	VMOVUPS (DI), Y4
	VADDPS  Y2, Y4, Y4
	VADDPS  Y3, Y4, Y4
	VMOVUPS Y4, (DI)
	ADDQ    $64, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JNZ     addpairsavx2

	VZEROUPPER
	RET

// func sumAVX512(acc *[32]float64, x *float32, n int)
TEXT ·sumAVX512(SB), NOSPLIT, $0-24
	MOVQ    acc+0(FP), DI
	MOVQ    x+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPD (DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD 128(DI), Z2
	VMOVUPD 192(DI), Z3

sum32avx512:
	VCVTPS2PD (SI), Z4
	VCVTPS2PD 32(SI), Z5
	VCVTPS2PD 64(SI), Z6
	VCVTPS2PD 96(SI), Z7
	VADDPD    Z4, Z0, Z0
	VADDPD    Z5, Z1, Z1
	VADDPD    Z6, Z2, Z2
	VADDPD    Z7, Z3, Z3
	ADDQ      $128, SI
	SUBQ      $32, CX
	JNZ       sum32avx512

	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	VZEROUPPER
	RET

// func sumAVX2(acc *[32]float64, x *float32, n int)
TEXT ·sumAVX2(SB), NOSPLIT, $0-24
	MOVQ    acc+0(FP), DI
	MOVQ    x+8(FP), SI
	MOVQ    n+16(FP), CX
	VMOVUPD (DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 64(DI), Y2
	VMOVUPD 96(DI), Y3
	VMOVUPD 128(DI), Y4
	VMOVUPD 160(DI), Y5
	VMOVUPD 192(DI), Y6
	VMOVUPD 224(DI), Y7

sum32avx2:
	VCVTPS2PD (SI), Y8
	VCVTPS2PD 16(SI), Y9
	VCVTPS2PD 32(SI), Y10
	VCVTPS2PD 48(SI), Y11
	VADDPD    Y8, Y0, Y0
	VADDPD    Y9, Y1, Y1
	VADDPD    Y10, Y2, Y2
	VADDPD    Y11, Y3, Y3
	VCVTPS2PD 64(SI), Y8
	VCVTPS2PD 80(SI), Y9
	VCVTPS2PD 96(SI), Y10
	VCVTPS2PD 112(SI), Y11
	VADDPD    Y8, Y4, Y4
	VADDPD    Y9, Y5, Y5
	VADDPD    Y10, Y6, Y6
	VADDPD    Y11, Y7, Y7
	ADDQ      $128, SI
	SUBQ      $32, CX
	JNZ       sum32avx2

	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VMOVUPD Y4, 128(DI)
	VMOVUPD Y5, 160(DI)
	VMOVUPD Y6, 192(DI)
	VMOVUPD Y7, 224(DI)
	VZEROUPPER
	RET

// func addWideRowsAVX512(dst *float64, ldd int, src *float32, lds, rows, cols int)
TEXT ·addWideRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	SHLQ $3, R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), DX
	MOVQ cols+40(FP), CX
	MOVQ CX, BX
	ANDQ $-8, BX
	ANDQ $7, CX
	TAILMASK

widerowsrow:
	MOVQ DI, R10
	MOVQ SI, R11
	MOVQ BX, R12

widerows8:
	TESTQ     R12, R12
	JEQ       widerowstail
	VCVTPS2PD (R11), Z0
	VADDPD    (R10), Z0, Z0
	VMOVUPD   Z0, (R10)
	ADDQ      $32, R11
	ADDQ      $64, R10
	SUBQ      $8, R12
	JMP       widerows8

widerowstail:
	TESTQ       CX, CX
	JEQ         widerowsnext
	VCVTPS2PD.Z (R11), K1, Z0
	VMOVUPD.Z   (R10), K1, Z1
	VADDPD      Z1, Z0, Z0
	VMOVUPD     Z0, K1, (R10)

widerowsnext:
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ DX
	JNZ  widerowsrow
	VZEROUPPER
	RET

// func addWideRowsAVX2(dst *float64, ldd int, src *float32, lds, rows, cols int)
TEXT ·addWideRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	SHLQ $3, R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), DX
	MOVQ cols+40(FP), BX

widerowsrowavx2:
	MOVQ DI, R10
	MOVQ SI, R11
	MOVQ BX, R12

widerows8avx2:
	VCVTPS2PD (R11), Y0
	VCVTPS2PD 16(R11), Y1
	VADDPD    (R10), Y0, Y0
	VADDPD    32(R10), Y1, Y1
	VMOVUPD   Y0, (R10)
	VMOVUPD   Y1, 32(R10)
	ADDQ      $32, R11
	ADDQ      $64, R10
	SUBQ      $8, R12
	JNZ       widerows8avx2

	ADDQ R8, DI
	ADDQ R9, SI
	DECQ DX
	JNZ  widerowsrowavx2
	VZEROUPPER
	RET
