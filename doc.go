// Package aniso provides anisotropic resampling convolutions: N-d operators
// that shrink some spatial axes of a feature map while they grow others,
// (100,100) → (50,200) or (16,16,16) → (8,32,16), in one layer and with
// exact gradients.
//
// # Operators
//
// All operators take N×C×D1×…×Dn float32 tensors with any number n ≥ 1 of
// spatial axes, read their inputs through arbitrary strides, never modify
// them, and return new contiguous tensors. Plans write their results
// through strides too, into any layout that does not overlap itself: with
// Tensor.Permute, channels-last (NHWC) data goes in and comes out without
// a copy.
//
//   - Conv and ConvBackward: convolution (cross-correlation) with per-axis
//     stride, dilation, asymmetric and negative padding, groups and bias.
//   - Deconv and DeconvBackward: the transposed convolution, the adjoint of
//     Conv with the same geometry, with output padding or a wanted output
//     size (OutSize).
//   - UnpoolND and UnpoolNDBackward: Chainer's unpooling_nd (ksize, stride,
//     pad, cover_all, explicit output size) for any n.
//   - StretchConv and StretchConvBackward: a convolution of the input
//     stretched per axis by repetition (Nearest) or zero-interleaving
//     (Zeros), computed without building the stretched tensor.
//   - PixelShuffle and PixelUnshuffle: sub-pixel rearrangement, channel
//     blocks moved into space by a factor per axis and back; each is the
//     other's inverse, adjoint and backward pass.
//   - SolveStretch: the StretchConv options that map one shape to another.
//     They record the output size in StretchOptions.OutSize, so a kernel
//     other than the one they were solved for is an error, not a silently
//     different shape.
//   - ONNXConv and ONNXConvTranspose: ONNX auto_pad, pads and output_shape
//     turned into the options above.
//   - CheckGradient: random-direction central differences in float64
//     against any backward function, for checking custom layers; it
//     detects differences that cross a kink (a ReLU, say) and retries
//     them, so the defaults suit piecewise linear float32 blocks too.
//
// Package nn (github.com/anisoconv/aniso/nn) makes layers with weights,
// losses and optimisers of these operators, for training networks in Go.
//
// # Geometry
//
// Per spatial axis with input size n, kernel k, stride s, dilation d,
// padding lo and hi and dk = d(k−1)+1:
//
//	Conv         ⌊(n + lo + hi − dk)/s⌋ + 1
//	Deconv       s(n − 1) + dk − lo − hi + a
//	UnpoolND     s(n − 1) + k − 2p   (CoverAll: s(n − 1) + k − s + 1 − 2p)
//	StretchConv  Conv of the stretched length u·n (Nearest) or u(n − 1) + 1 (Zeros)
//
// Conv weights are O×(C/G)×k1×…×kn and Deconv weights C×(O/G)×k1×…×kn;
// groups are contiguous channel blocks.
//
// # Engine
//
// Every operator is a geometry of one engine. Along each spatial axis the
// outputs fall into phases whose taps are fixed; a phase is an ordinary
// strided convolution of the original input, computed as im2col on tiles of
// output positions followed by a GEMM; with AVX-512 and at least 8 input
// channels per group, the forward products' micro-kernel loads the columns
// of the tile straight from the input, so the tile is never built. A 2-D
// convolution with a 3×3 kernel of unit stride and dilation and at least 8
// channels per group on both sides runs instead, with AVX-512, by
// Winograd's minimal filtering F(2×2, 3×3): each 2×2 block of outputs is
// transformed from its 4×4 input window with 16 multiplications per pair
// of channels instead of 36, for a few additions; its weight gradient and
// data gradient too. Its results differ from the direct product's in the
// last bits, with errors of the same order (on random data within a
// factor of two either way of the direct product's), and where an input is infinite, outputs that the direct
// product makes infinite can come out NaN. The
// data adjoint (Conv's input gradient, Deconv's forward pass) is itself
// such a convolution: of the
// output side stretched with zeros by the stride, at a stride of the
// stretch, with the kernel flipped (for Nearest, widened by the stretch),
// and runs as one on a second engine; where its reads along the inner
// axes would be more strided than the phases' own, the phases run it as
// GEMM followed by col2im instead. A plain convolution has one
// phase; a stretch by u has u/gcd(s, u) phases per axis with folded
// (Nearest) or thinned (Zeros) kernels, which is where StretchConv saves
// its work. Work is spread over GOMAXPROCS goroutines in units that write
// disjoint memory (the backward passes split theirs by blocks of input
// channels, whose gradients are disjoint), and partial sums of the backward
// reductions, where units must split further, are added in an order fixed
// by the geometry, so results do not depend on the number of threads. Plans (ConvPlan, DeconvPlan, StretchConvPlan, UnpoolPlan,
// PixelShufflePlan, PixelUnshufflePlan) own their scratch and allocate
// nothing after their first call. The one-shot functions allocate their
// results; those the engine writes in full (the forward results of Conv
// and StretchConv, and input gradients that run as a forward pass) are
// not cleared first. Conv, Deconv, StretchConv, UnpoolND and
// their Backward functions keep the plans of their 16 most recent
// geometries, with at most 16 MiB of scratch in all, so that a call
// repeated with the same shapes and options allocates its results and
// little else; concurrent calls never share a plan.
//
// A plan accepts inputs of any batch up to the one it was made for, with
// results of that batch, so the short last batch of an epoch needs no plan
// of its own. BackwardAdd adds the weight and bias gradients to what gw and
// gb hold, for gradients accumulated over batches or over several uses of
// a layer, without an extra pass. SetMaxThreads bounds the goroutines of
// every call, and a plan's SetThreads those of that plan, for programs that
// share the processors with other work.
//
// Every matrix product goes through one seam that looks at gonum's blas32
// at call time: with gonum's default implementation the package multiplies
// with its own packed GEMM (AVX-512, AVX2/FMA or SSE micro-kernels on amd64,
// chosen by the CPU at start-up; pure Go elsewhere or with the purego build
// tag), while blas32.Use (for example with OpenBLAS through gonum's netlib
// package) changes the implementation for the whole package. With the default implementation, products whose
// weight matrix is tiny (a single channel and a few taps, where packing
// would cost more than the arithmetic) run as direct loops over the
// tensors instead; after blas32.Use every product goes to the
// implementation installed.
// The line copies, scatters and additions of im2col and col2im, and the
// float64 channel sums of the bias gradient, run as AVX-512 or AVX2 vector
// loops on amd64 too (pure Go with purego), and give the same bits as the
// Go loops; the bias gradient has the same bits for every layout of gy.
// With AVX-512 the weight gradient sums along the output positions, the
// contiguous axis of both of its operands, reading the output gradient and
// the input's runs where they lie, so that nothing is transposed into the
// GEMM's panels.
//
// # Errors
//
// Every error names the operator, the tensor or axis and the numbers
// involved, and wraps one of the sentinels (ErrNilTensor, ErrShape,
// ErrOption, ErrGeometry, ErrData, ErrTooLarge, ErrGradient, ErrNoSolution,
// ErrNilPlan, ErrInternal), for use with errors.Is. No input makes an
// exported function or method panic, not even a nil or zero plan, and no
// geometry whose tensors fit within MaxElements makes the package allocate
// more than a bounded scratch beside them: it runs or fails with
// ErrTooLarge. Operators read and write only the elements that a tensor's
// shape and strides address, however long its Data is, and a plan rejects
// a result that overlaps itself or whose memory overlaps an operand or
// another result. An input whose rank does not fit the options is reported
// in terms of the input ("x has rank 3; inputs are N×C×D1×…×Dn with 2
// spatial axes here"), the usual sign of a missing batch axis.
package aniso
