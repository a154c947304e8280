//go:build !purego

#include "textflag.h"

// DFMA4 adds to one row of the 4×64 tile, held in z0…z3, the products of
// the row of B in Z16…Z19 with the element of A broadcast in za.
#define DFMA4(za, z0, z1, z2, z3) \
	VFMADD231PS Z16, za, z0; \
	VFMADD231PS Z17, za, z1; \
	VFMADD231PS Z18, za, z2; \
	VFMADD231PS Z19, za, z3

#define DFMA3(za, z0, z1, z2) \
	VFMADD231PS Z16, za, z0; \
	VFMADD231PS Z17, za, z1; \
	VFMADD231PS Z18, za, z2

#define DFMA2(za, z0, z1) \
	VFMADD231PS Z16, za, z0; \
	VFMADD231PS Z17, za, z1

// DMASKS loads the 64-bit column mask in r into K1…K4, sixteen bits each.
#define DMASKS(r) \
	KMOVW r, K1; \
	SHRQ  $16, r; \
	KMOVW r, K2; \
	SHRQ  $16, r; \
	KMOVW r, K3; \
	SHRQ  $16, r; \
	KMOVW r, K4

// DSTORE writes a row of the tile, held in z0…z3, to (DI) as acc + beta·C
// under the column masks K1…K4, with beta in Z31, and moves DI to the
// next row.
#define DSTORE(z0, z1, z2, z3) \
	VMOVUPS.Z   (DI), K1, Z16;    \
	VMOVUPS.Z   64(DI), K2, Z17;  \
	VMOVUPS.Z   128(DI), K3, Z18; \
	VMOVUPS.Z   192(DI), K4, Z19; \
	VFMADD231PS Z16, Z31, z0;     \
	VFMADD231PS Z17, Z31, z1;     \
	VFMADD231PS Z18, Z31, z2;     \
	VFMADD231PS Z19, Z31, z3;     \
	VMOVUPS     z0, K1, (DI);     \
	VMOVUPS     z1, K2, 64(DI);   \
	VMOVUPS     z2, K3, 128(DI);  \
	VMOVUPS     z3, K4, 192(DI);  \
	ADDQ        DX, DI

// DSTOREZERO writes a row of the tile as acc without reading C.
#define DSTOREZERO(z0, z1, z2, z3) \
	VMOVUPS z0, K1, (DI);    \
	VMOVUPS z1, K2, 64(DI);  \
	VMOVUPS z2, K3, 128(DI); \
	VMOVUPS z3, K4, 192(DI); \
	ADDQ    DX, DI

// func direct4x64(m, cin, taps int, a *float32, lda int, src *float32, sc int, bases *int, masks *uint64, colMask uint64, c *float32, ldc int, beta float32)
//
// Registers: R8…R11 the rows of A of the current block, R12 the offset in
// them of the current element (bytes), R13 that of the current tap's
// element of channel 0, DI the step of R12 from one channel to the next,
// SI the current row of B in src, AX its step from one channel to the
// next, BX and DX the bases and masks of the taps, CX the channels left.
// The first row of A of the block, its first row of C and the rows of A
// left, from this block on, live in the frame across the blocks.
TEXT ·direct4x64(SB), NOSPLIT, $24-100
	MOVQ a+24(FP), AX
	MOVQ AX, arow-8(SP)
	MOVQ c+80(FP), AX
	MOVQ AX, crow-16(SP)
	MOVQ m+0(FP), AX
	MOVQ AX, left-24(SP)

block:
	// The rows of a block past the last row of A point at the last row.
	MOVQ    lda+32(FP), AX
	SHLQ    $2, AX
	MOVQ    left-24(SP), CX
	MOVQ    arow-8(SP), R8
	LEAQ    (R8)(AX*1), R9
	CMPQ    CX, $2
	CMOVQLT R8, R9
	LEAQ    (R9)(AX*1), R10
	CMPQ    CX, $3
	CMOVQLT R9, R10
	LEAQ    (R10)(AX*1), R11
	CMPQ    CX, $4
	CMOVQLT R10, R11
	MOVQ    sc+48(FP), AX
	SHLQ    $2, AX
	MOVQ    taps+16(FP), DI
	SHLQ    $2, DI
	MOVQ    bases+56(FP), BX
	MOVQ    masks+64(FP), DX
	XORQ    R13, R13

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

	// Only the first two or three vectors of each row when no wanted
	// column lies in the others.
	MOVQ colMask+72(FP), CX
	SHRQ $32, CX
	JEQ  narrowTap
	SHRQ $16, CX
	JEQ  threeTap

wideTap:
	MOVQ (DX)(R13*2), CX
	DMASKS(CX)
	MOVQ (BX)(R13*2), SI
	SHLQ $2, SI
	ADDQ src+40(FP), SI
	MOVQ R13, R12
	MOVQ cin+8(FP), CX

wideChan:
	VMOVUPS.Z    (SI), K1, Z16
	VMOVUPS.Z    64(SI), K2, Z17
	VMOVUPS.Z    128(SI), K3, Z18
	VMOVUPS.Z    192(SI), K4, Z19
	VBROADCASTSS (R8)(R12*1), Z24
	VBROADCASTSS (R9)(R12*1), Z25
	VBROADCASTSS (R10)(R12*1), Z26
	VBROADCASTSS (R11)(R12*1), Z27
	PREFETCHT0   256(SI)
	PREFETCHT0   320(SI)
	PREFETCHT0   384(SI)
	PREFETCHT0   448(SI)
	PREFETCHT0   512(SI)
	PREFETCHT0   576(SI)
	PREFETCHT0   640(SI)
	PREFETCHT0   704(SI)
	DFMA4(Z24, Z0, Z1, Z2, Z3)
	DFMA4(Z25, Z4, Z5, Z6, Z7)
	DFMA4(Z26, Z8, Z9, Z10, Z11)
	DFMA4(Z27, Z12, Z13, Z14, Z15)
	ADDQ         AX, SI
	ADDQ         DI, R12
	DECQ         CX
	JNE          wideChan

	ADDQ $4, R13
	CMPQ R13, DI
	JNE  wideTap
	JMP  store

threeTap:
	MOVQ  (DX)(R13*2), CX
	KMOVW CX, K1
	SHRQ  $16, CX
	KMOVW CX, K2
	SHRQ  $16, CX
	KMOVW CX, K3
	MOVQ  (BX)(R13*2), SI
	SHLQ  $2, SI
	ADDQ  src+40(FP), SI
	MOVQ  R13, R12
	MOVQ  cin+8(FP), CX

threeChan:
	VMOVUPS.Z    (SI), K1, Z16
	VMOVUPS.Z    64(SI), K2, Z17
	VMOVUPS.Z    128(SI), K3, Z18
	VBROADCASTSS (R8)(R12*1), Z24
	VBROADCASTSS (R9)(R12*1), Z25
	VBROADCASTSS (R10)(R12*1), Z26
	VBROADCASTSS (R11)(R12*1), Z27
	PREFETCHT0   192(SI)
	PREFETCHT0   256(SI)
	PREFETCHT0   320(SI)
	DFMA3(Z24, Z0, Z1, Z2)
	DFMA3(Z25, Z4, Z5, Z6)
	DFMA3(Z26, Z8, Z9, Z10)
	DFMA3(Z27, Z12, Z13, Z14)
	ADDQ         AX, SI
	ADDQ         DI, R12
	DECQ         CX
	JNE          threeChan

	ADDQ $4, R13
	CMPQ R13, DI
	JNE  threeTap
	JMP  store

narrowTap:
	MOVQ  (DX)(R13*2), CX
	KMOVW CX, K1
	SHRQ  $16, CX
	KMOVW CX, K2
	MOVQ  (BX)(R13*2), SI
	SHLQ  $2, SI
	ADDQ  src+40(FP), SI
	MOVQ  R13, R12
	MOVQ  cin+8(FP), CX

narrowChan:
	VMOVUPS.Z    (SI), K1, Z16
	VMOVUPS.Z    64(SI), K2, Z17
	VBROADCASTSS (R8)(R12*1), Z24
	VBROADCASTSS (R9)(R12*1), Z25
	VBROADCASTSS (R10)(R12*1), Z26
	VBROADCASTSS (R11)(R12*1), Z27
	DFMA2(Z24, Z0, Z1)
	DFMA2(Z25, Z4, Z5)
	DFMA2(Z26, Z8, Z9)
	DFMA2(Z27, Z12, Z13)
	ADDQ         AX, SI
	ADDQ         DI, R12
	DECQ         CX
	JNE          narrowChan

	ADDQ $4, R13
	CMPQ R13, DI
	JNE  narrowTap

store:
	MOVQ colMask+72(FP), CX
	DMASKS(CX)
	MOVQ crow-16(SP), DI
	MOVQ ldc+88(FP), DX
	SHLQ $2, DX
	MOVQ left-24(SP), R8
	MOVL beta+96(FP), R11
	TESTL $0x7fffffff, R11
	JEQ  storezero
	VBROADCASTSS beta+96(FP), Z31
	DSTORE(Z0, Z1, Z2, Z3)
	DECQ R8
	JEQ  done
	DSTORE(Z4, Z5, Z6, Z7)
	DECQ R8
	JEQ  done
	DSTORE(Z8, Z9, Z10, Z11)
	DECQ R8
	JEQ  done
	DSTORE(Z12, Z13, Z14, Z15)
	JMP  next

storezero:
	DSTOREZERO(Z0, Z1, Z2, Z3)
	DECQ R8
	JEQ  done
	DSTOREZERO(Z4, Z5, Z6, Z7)
	DECQ R8
	JEQ  done
	DSTOREZERO(Z8, Z9, Z10, Z11)
	DECQ R8
	JEQ  done
	DSTOREZERO(Z12, Z13, Z14, Z15)

next:
	// DI has passed the four rows of C of the block.
	MOVQ DI, crow-16(SP)
	MOVQ lda+32(FP), AX
	SHLQ $4, AX
	ADDQ AX, arow-8(SP)
	SUBQ $4, left-24(SP)
	JNE  block

done:
	VZEROUPPER
	RET
