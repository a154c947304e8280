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

// thirds holds, for each phase p of three, the lane indices that gather
// elements 3i + p: from the first two vectors of a block (lanes where
// 3i + p < 32, others 0), then from that result and the third vector
// (lane i kept, or 16 + 3i + p − 32 from the third).
DATA thirds<>+0(SB)/4, $0
DATA thirds<>+4(SB)/4, $3
DATA thirds<>+8(SB)/4, $6
DATA thirds<>+12(SB)/4, $9
DATA thirds<>+16(SB)/4, $12
DATA thirds<>+20(SB)/4, $15
DATA thirds<>+24(SB)/4, $18
DATA thirds<>+28(SB)/4, $21
DATA thirds<>+32(SB)/4, $24
DATA thirds<>+36(SB)/4, $27
DATA thirds<>+40(SB)/4, $30
DATA thirds<>+44(SB)/4, $0
DATA thirds<>+48(SB)/4, $0
DATA thirds<>+52(SB)/4, $0
DATA thirds<>+56(SB)/4, $0
DATA thirds<>+60(SB)/4, $0
DATA thirds<>+64(SB)/4, $0
DATA thirds<>+68(SB)/4, $1
DATA thirds<>+72(SB)/4, $2
DATA thirds<>+76(SB)/4, $3
DATA thirds<>+80(SB)/4, $4
DATA thirds<>+84(SB)/4, $5
DATA thirds<>+88(SB)/4, $6
DATA thirds<>+92(SB)/4, $7
DATA thirds<>+96(SB)/4, $8
DATA thirds<>+100(SB)/4, $9
DATA thirds<>+104(SB)/4, $10
DATA thirds<>+108(SB)/4, $17
DATA thirds<>+112(SB)/4, $20
DATA thirds<>+116(SB)/4, $23
DATA thirds<>+120(SB)/4, $26
DATA thirds<>+124(SB)/4, $29
DATA thirds<>+128(SB)/4, $1
DATA thirds<>+132(SB)/4, $4
DATA thirds<>+136(SB)/4, $7
DATA thirds<>+140(SB)/4, $10
DATA thirds<>+144(SB)/4, $13
DATA thirds<>+148(SB)/4, $16
DATA thirds<>+152(SB)/4, $19
DATA thirds<>+156(SB)/4, $22
DATA thirds<>+160(SB)/4, $25
DATA thirds<>+164(SB)/4, $28
DATA thirds<>+168(SB)/4, $31
DATA thirds<>+172(SB)/4, $0
DATA thirds<>+176(SB)/4, $0
DATA thirds<>+180(SB)/4, $0
DATA thirds<>+184(SB)/4, $0
DATA thirds<>+188(SB)/4, $0
DATA thirds<>+192(SB)/4, $0
DATA thirds<>+196(SB)/4, $1
DATA thirds<>+200(SB)/4, $2
DATA thirds<>+204(SB)/4, $3
DATA thirds<>+208(SB)/4, $4
DATA thirds<>+212(SB)/4, $5
DATA thirds<>+216(SB)/4, $6
DATA thirds<>+220(SB)/4, $7
DATA thirds<>+224(SB)/4, $8
DATA thirds<>+228(SB)/4, $9
DATA thirds<>+232(SB)/4, $10
DATA thirds<>+236(SB)/4, $18
DATA thirds<>+240(SB)/4, $21
DATA thirds<>+244(SB)/4, $24
DATA thirds<>+248(SB)/4, $27
DATA thirds<>+252(SB)/4, $30
DATA thirds<>+256(SB)/4, $2
DATA thirds<>+260(SB)/4, $5
DATA thirds<>+264(SB)/4, $8
DATA thirds<>+268(SB)/4, $11
DATA thirds<>+272(SB)/4, $14
DATA thirds<>+276(SB)/4, $17
DATA thirds<>+280(SB)/4, $20
DATA thirds<>+284(SB)/4, $23
DATA thirds<>+288(SB)/4, $26
DATA thirds<>+292(SB)/4, $29
DATA thirds<>+296(SB)/4, $0
DATA thirds<>+300(SB)/4, $0
DATA thirds<>+304(SB)/4, $0
DATA thirds<>+308(SB)/4, $0
DATA thirds<>+312(SB)/4, $0
DATA thirds<>+316(SB)/4, $0
DATA thirds<>+320(SB)/4, $0
DATA thirds<>+324(SB)/4, $1
DATA thirds<>+328(SB)/4, $2
DATA thirds<>+332(SB)/4, $3
DATA thirds<>+336(SB)/4, $4
DATA thirds<>+340(SB)/4, $5
DATA thirds<>+344(SB)/4, $6
DATA thirds<>+348(SB)/4, $7
DATA thirds<>+352(SB)/4, $8
DATA thirds<>+356(SB)/4, $9
DATA thirds<>+360(SB)/4, $16
DATA thirds<>+364(SB)/4, $19
DATA thirds<>+368(SB)/4, $22
DATA thirds<>+372(SB)/4, $25
DATA thirds<>+376(SB)/4, $28
DATA thirds<>+380(SB)/4, $31
GLOBL thirds<>(SB), RODATA|NOPTR, $384

// zip2 holds the lane indices that interleave two vectors a and c: lanes
// 0, 16, 1, 17, … 7, 23 and then 8, 24, … 15, 31.
DATA zip2<>+0(SB)/4, $0
DATA zip2<>+4(SB)/4, $16
DATA zip2<>+8(SB)/4, $1
DATA zip2<>+12(SB)/4, $17
DATA zip2<>+16(SB)/4, $2
DATA zip2<>+20(SB)/4, $18
DATA zip2<>+24(SB)/4, $3
DATA zip2<>+28(SB)/4, $19
DATA zip2<>+32(SB)/4, $4
DATA zip2<>+36(SB)/4, $20
DATA zip2<>+40(SB)/4, $5
DATA zip2<>+44(SB)/4, $21
DATA zip2<>+48(SB)/4, $6
DATA zip2<>+52(SB)/4, $22
DATA zip2<>+56(SB)/4, $7
DATA zip2<>+60(SB)/4, $23
DATA zip2<>+64(SB)/4, $8
DATA zip2<>+68(SB)/4, $24
DATA zip2<>+72(SB)/4, $9
DATA zip2<>+76(SB)/4, $25
DATA zip2<>+80(SB)/4, $10
DATA zip2<>+84(SB)/4, $26
DATA zip2<>+88(SB)/4, $11
DATA zip2<>+92(SB)/4, $27
DATA zip2<>+96(SB)/4, $12
DATA zip2<>+100(SB)/4, $28
DATA zip2<>+104(SB)/4, $13
DATA zip2<>+108(SB)/4, $29
DATA zip2<>+112(SB)/4, $14
DATA zip2<>+116(SB)/4, $30
DATA zip2<>+120(SB)/4, $15
DATA zip2<>+124(SB)/4, $31
GLOBL zip2<>(SB), RODATA|NOPTR, $128

// zip3 holds, for each of the three vectors of a block of 48 outputs, the
// lane indices that interleave three sources: output m = 16v + j takes
// element m/3 of source m mod 3, from the first two sources in a first
// permutation (index m/3 or 16 + m/3, 0 for the third source's lanes),
// then from that result and the third source (lane j kept, or 16 + m/3).
DATA zip3<>+0(SB)/4, $0
DATA zip3<>+4(SB)/4, $16
DATA zip3<>+8(SB)/4, $0
DATA zip3<>+12(SB)/4, $1
DATA zip3<>+16(SB)/4, $17
DATA zip3<>+20(SB)/4, $0
DATA zip3<>+24(SB)/4, $2
DATA zip3<>+28(SB)/4, $18
DATA zip3<>+32(SB)/4, $0
DATA zip3<>+36(SB)/4, $3
DATA zip3<>+40(SB)/4, $19
DATA zip3<>+44(SB)/4, $0
DATA zip3<>+48(SB)/4, $4
DATA zip3<>+52(SB)/4, $20
DATA zip3<>+56(SB)/4, $0
DATA zip3<>+60(SB)/4, $5
DATA zip3<>+64(SB)/4, $0
DATA zip3<>+68(SB)/4, $1
DATA zip3<>+72(SB)/4, $16
DATA zip3<>+76(SB)/4, $3
DATA zip3<>+80(SB)/4, $4
DATA zip3<>+84(SB)/4, $17
DATA zip3<>+88(SB)/4, $6
DATA zip3<>+92(SB)/4, $7
DATA zip3<>+96(SB)/4, $18
DATA zip3<>+100(SB)/4, $9
DATA zip3<>+104(SB)/4, $10
DATA zip3<>+108(SB)/4, $19
DATA zip3<>+112(SB)/4, $12
DATA zip3<>+116(SB)/4, $13
DATA zip3<>+120(SB)/4, $20
DATA zip3<>+124(SB)/4, $15
DATA zip3<>+128(SB)/4, $21
DATA zip3<>+132(SB)/4, $0
DATA zip3<>+136(SB)/4, $6
DATA zip3<>+140(SB)/4, $22
DATA zip3<>+144(SB)/4, $0
DATA zip3<>+148(SB)/4, $7
DATA zip3<>+152(SB)/4, $23
DATA zip3<>+156(SB)/4, $0
DATA zip3<>+160(SB)/4, $8
DATA zip3<>+164(SB)/4, $24
DATA zip3<>+168(SB)/4, $0
DATA zip3<>+172(SB)/4, $9
DATA zip3<>+176(SB)/4, $25
DATA zip3<>+180(SB)/4, $0
DATA zip3<>+184(SB)/4, $10
DATA zip3<>+188(SB)/4, $26
DATA zip3<>+192(SB)/4, $0
DATA zip3<>+196(SB)/4, $21
DATA zip3<>+200(SB)/4, $2
DATA zip3<>+204(SB)/4, $3
DATA zip3<>+208(SB)/4, $22
DATA zip3<>+212(SB)/4, $5
DATA zip3<>+216(SB)/4, $6
DATA zip3<>+220(SB)/4, $23
DATA zip3<>+224(SB)/4, $8
DATA zip3<>+228(SB)/4, $9
DATA zip3<>+232(SB)/4, $24
DATA zip3<>+236(SB)/4, $11
DATA zip3<>+240(SB)/4, $12
DATA zip3<>+244(SB)/4, $25
DATA zip3<>+248(SB)/4, $14
DATA zip3<>+252(SB)/4, $15
DATA zip3<>+256(SB)/4, $0
DATA zip3<>+260(SB)/4, $11
DATA zip3<>+264(SB)/4, $27
DATA zip3<>+268(SB)/4, $0
DATA zip3<>+272(SB)/4, $12
DATA zip3<>+276(SB)/4, $28
DATA zip3<>+280(SB)/4, $0
DATA zip3<>+284(SB)/4, $13
DATA zip3<>+288(SB)/4, $29
DATA zip3<>+292(SB)/4, $0
DATA zip3<>+296(SB)/4, $14
DATA zip3<>+300(SB)/4, $30
DATA zip3<>+304(SB)/4, $0
DATA zip3<>+308(SB)/4, $15
DATA zip3<>+312(SB)/4, $31
DATA zip3<>+316(SB)/4, $0
DATA zip3<>+320(SB)/4, $26
DATA zip3<>+324(SB)/4, $1
DATA zip3<>+328(SB)/4, $2
DATA zip3<>+332(SB)/4, $27
DATA zip3<>+336(SB)/4, $4
DATA zip3<>+340(SB)/4, $5
DATA zip3<>+344(SB)/4, $28
DATA zip3<>+348(SB)/4, $7
DATA zip3<>+352(SB)/4, $8
DATA zip3<>+356(SB)/4, $29
DATA zip3<>+360(SB)/4, $10
DATA zip3<>+364(SB)/4, $11
DATA zip3<>+368(SB)/4, $30
DATA zip3<>+372(SB)/4, $13
DATA zip3<>+376(SB)/4, $14
DATA zip3<>+380(SB)/4, $31
GLOBL zip3<>(SB), RODATA|NOPTR, $384

// func split3AVX512(d0, d1, d2, src *float32, n int, lm, sm uint64)
//
// Each block of 48 elements is loaded in three vectors, whose lanes of
// each phase two VPERMT2PS gather into one vector. The last n mod 48
// elements are loaded under the masks lm (16 bits per vector) and stored
// under the masks sm (16 bits per phase), so nothing past src is read and
// nothing past the phases is written. Each block prefetches the three
// cache lines 2 KiB ahead, as split2AVX512 does.
TEXT ·split3AVX512(SB), NOSPLIT, $0-56
	MOVQ    d0+0(FP), DI
	MOVQ    d1+8(FP), DX
	MOVQ    d2+16(FP), R8
	MOVQ    src+24(FP), SI
	MOVQ    n+32(FP), CX
	VMOVUPS thirds<>+0(SB), Z26
	VMOVUPS thirds<>+64(SB), Z27
	VMOVUPS thirds<>+128(SB), Z28
	VMOVUPS thirds<>+192(SB), Z29
	VMOVUPS thirds<>+256(SB), Z30
	VMOVUPS thirds<>+320(SB), Z31
	CMPQ    CX, $48
	JLT     split3tail

split3loop:
	PREFETCHT0 2048(SI)
	PREFETCHT0 2112(SI)
	PREFETCHT0 2176(SI)
	VMOVUPS    (SI), Z0
	VMOVUPS    64(SI), Z1
	VMOVUPS    128(SI), Z2
	VMOVAPS    Z0, Z3
	VPERMT2PS  Z1, Z26, Z3
	VPERMT2PS  Z2, Z27, Z3
	VMOVAPS    Z0, Z4
	VPERMT2PS  Z1, Z28, Z4
	VPERMT2PS  Z2, Z29, Z4
	VMOVAPS    Z0, Z5
	VPERMT2PS  Z1, Z30, Z5
	VPERMT2PS  Z2, Z31, Z5
	VMOVUPS    Z3, (DI)
	VMOVUPS    Z4, (DX)
	VMOVUPS    Z5, (R8)
	ADDQ       $192, SI
	ADDQ       $64, DI
	ADDQ       $64, DX
	ADDQ       $64, R8
	SUBQ       $48, CX
	CMPQ       CX, $48
	JGE        split3loop

split3tail:
	TESTQ     CX, CX
	JEQ       split3done
	MOVQ      lm+40(FP), AX
	KMOVW     AX, K1
	SHRQ      $16, AX
	KMOVW     AX, K2
	SHRQ      $16, AX
	KMOVW     AX, K3
	MOVQ      sm+48(FP), AX
	KMOVW     AX, K4
	SHRQ      $16, AX
	KMOVW     AX, K5
	SHRQ      $16, AX
	KMOVW     AX, K6
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS.Z 128(SI), K3, Z2
	VMOVAPS   Z0, Z3
	VPERMT2PS Z1, Z26, Z3
	VPERMT2PS Z2, Z27, Z3
	VMOVAPS   Z0, Z4
	VPERMT2PS Z1, Z28, Z4
	VPERMT2PS Z2, Z29, Z4
	VMOVAPS   Z0, Z5
	VPERMT2PS Z1, Z30, Z5
	VPERMT2PS Z2, Z31, Z5
	VMOVUPS   Z3, K4, (DI)
	VMOVUPS   Z4, K5, (DX)
	VMOVUPS   Z5, K6, (R8)

split3done:
	VZEROUPPER
	RET

// func interleave2AVX512(dst, a, c *float32, n int, lm, sm uint64, b float32)
//
// Each block of 32 outputs loads 16 elements of a and of c, adds the bias
// (the element first, as the Go sum a[i] + b has it) and interleaves them
// with two VPERMT2PS into two whole vectors. The last n mod 32 outputs
// load a and c under the masks lm (16 bits each) and are stored under the
// mask sm, so nothing past dst, a or c is touched.
TEXT ·interleave2AVX512(SB), NOSPLIT, $0-52
	MOVQ         dst+0(FP), DI
	MOVQ         a+8(FP), SI
	MOVQ         c+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS b+48(FP), Z29
	VMOVUPS      zip2<>+0(SB), Z30
	VMOVUPS      zip2<>+64(SB), Z31
	CMPQ         CX, $32
	JLT          zip2tail

zip2loop:
	VMOVUPS   (SI), Z0
	VMOVUPS   (DX), Z1
	VADDPS    Z29, Z0, Z0
	VADDPS    Z29, Z1, Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z30, Z0
	VPERMT2PS Z1, Z31, Z2
	VMOVUPS   Z0, (DI)
	VMOVUPS   Z2, 64(DI)
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $128, DI
	SUBQ      $32, CX
	CMPQ      CX, $32
	JGE       zip2loop

zip2tail:
	TESTQ     CX, CX
	JEQ       zip2done
	MOVQ      lm+32(FP), AX
	KMOVW     AX, K1
	SHRQ      $16, AX
	KMOVW     AX, K2
	MOVQ      sm+40(FP), AX
	KMOVW     AX, K3
	SHRQ      $16, AX
	KMOVW     AX, K4
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K2, Z1
	VADDPS    Z29, Z0, Z0
	VADDPS    Z29, Z1, Z1
	VMOVAPS   Z0, Z2
	VPERMT2PS Z1, Z30, Z0
	VPERMT2PS Z1, Z31, Z2
	VMOVUPS   Z0, K3, (DI)
	VMOVUPS   Z2, K4, 64(DI)

zip2done:
	VZEROUPPER
	RET

// func interleave3AVX512(dst, s0, s1, s2 *float32, n int, lm, sm uint64, b float32)
//
// Each block of 48 outputs loads 16 elements of each source, adds the
// bias (the element first) and interleaves them into three whole vectors,
// two VPERMT2PS each. The last n mod 48 outputs load the sources under
// the masks lm (16 bits each) and are stored under the masks sm (16 bits
// per vector), so nothing past dst or the sources is touched.
TEXT ·interleave3AVX512(SB), NOSPLIT, $0-60
	MOVQ         dst+0(FP), DI
	MOVQ         s0+8(FP), SI
	MOVQ         s1+16(FP), DX
	MOVQ         s2+24(FP), R8
	MOVQ         n+32(FP), CX
	VBROADCASTSS b+56(FP), Z25
	VMOVUPS      zip3<>+0(SB), Z26
	VMOVUPS      zip3<>+64(SB), Z27
	VMOVUPS      zip3<>+128(SB), Z28
	VMOVUPS      zip3<>+192(SB), Z29
	VMOVUPS      zip3<>+256(SB), Z30
	VMOVUPS      zip3<>+320(SB), Z31
	CMPQ         CX, $48
	JLT          zip3tail

zip3loop:
	VMOVUPS   (SI), Z0
	VMOVUPS   (DX), Z1
	VMOVUPS   (R8), Z2
	VADDPS    Z25, Z0, Z0
	VADDPS    Z25, Z1, Z1
	VADDPS    Z25, Z2, Z2
	VMOVAPS   Z0, Z3
	VPERMT2PS Z1, Z26, Z3
	VPERMT2PS Z2, Z27, Z3
	VMOVAPS   Z0, Z4
	VPERMT2PS Z1, Z28, Z4
	VPERMT2PS Z2, Z29, Z4
	VMOVAPS   Z0, Z5
	VPERMT2PS Z1, Z30, Z5
	VPERMT2PS Z2, Z31, Z5
	VMOVUPS   Z3, (DI)
	VMOVUPS   Z4, 64(DI)
	VMOVUPS   Z5, 128(DI)
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $64, R8
	ADDQ      $192, DI
	SUBQ      $48, CX
	CMPQ      CX, $48
	JGE       zip3loop

zip3tail:
	TESTQ     CX, CX
	JEQ       zip3done
	MOVQ      lm+40(FP), AX
	KMOVW     AX, K1
	SHRQ      $16, AX
	KMOVW     AX, K2
	SHRQ      $16, AX
	KMOVW     AX, K3
	MOVQ      sm+48(FP), AX
	KMOVW     AX, K4
	SHRQ      $16, AX
	KMOVW     AX, K5
	SHRQ      $16, AX
	KMOVW     AX, K6
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K2, Z1
	VMOVUPS.Z (R8), K3, Z2
	VADDPS    Z25, Z0, Z0
	VADDPS    Z25, Z1, Z1
	VADDPS    Z25, Z2, Z2
	VMOVAPS   Z0, Z3
	VPERMT2PS Z1, Z26, Z3
	VPERMT2PS Z2, Z27, Z3
	VMOVAPS   Z0, Z4
	VPERMT2PS Z1, Z28, Z4
	VPERMT2PS Z2, Z29, Z4
	VMOVAPS   Z0, Z5
	VPERMT2PS Z1, Z30, Z5
	VPERMT2PS Z2, Z31, Z5
	VMOVUPS   Z3, K4, (DI)
	VMOVUPS   Z4, K5, 64(DI)
	VMOVUPS   Z5, K6, 128(DI)

zip3done:
	VZEROUPPER
	RET
