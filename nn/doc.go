// Package nn provides layers, losses, optimisers and initialisers for
// training networks built from aniso's operators, in plain Go.
//
// It is small on purpose. It is not an automatic differentiation graph:
// each Layer has an explicit Forward and Backward, and a network is a
// Sequential of layers (or any code that calls Forward and Backward in
// turn). It is not a framework: there is no device, no dtype other than
// float32, no data loading and no training loop; a loop is a dozen lines
// (see the examples). The layers run aniso's plans: Conv, Deconv,
// StretchConv, Unpool and PixelShuffle keep an aniso plan per input shape,
// so after the first batch of a shape a training step allocates nothing in
// the layers.
//
// # Layers
//
// A Layer's Forward keeps what its Backward needs (a reference to the
// input, or its own output), and Backward adds the parameter gradients
// into each Param's Grad and returns the input gradient. Results belong to
// the layer: the tensor Forward returns is valid until the next Forward of
// an input of the same shape on that layer, the one Backward returns until
// the next Backward after such a Forward. Copy what must live longer.
//
//   - Conv, Deconv, StretchConv: the aniso operators with weights W and
//     bias B, He-normal initialised from an explicit *rand.Rand. Their
//     WeightOptions skip the input gradient (a first layer: NoInputGrad),
//     fix the weights (Frozen) or drop the bias (NoBias).
//   - Unpool: aniso.UnpoolND.
//   - PixelShuffle: aniso.PixelShuffle, whose backward is PixelUnshuffle;
//     after a Conv to C·R channels it makes a sub-pixel convolution.
//   - ReLU, LeakyReLU, Sigmoid, Tanh: element by element.
//   - Sequential: layers in a row, itself a Layer.
//
// # Initialisation
//
// The weight layers draw W from He's normal distribution, variance
// 2/fanIn, from the *rand.Rand they are given, and set B to zero. fanIn is
// computed from the weight's shape as PyTorch and Chainer compute it, the
// product of all sizes but the first (Fans): (in/G)·Πk for Conv and
// StretchConv, the inputs of one output sample. For Deconv, whose weight
// is in×(out/G)×k…, that convention gives (out/G)·Πk, the fan-in of the
// convolution Deconv transposes. The layers follow it so that their
// weights match what those frameworks produce; an output sample of a
// stride-s Deconv sums about (in/G)·Πk/Πs inputs. Initialise W again with
// any of the initialisers to choose otherwise.
//
// # Training
//
// MSE and L1 return a loss and its gradient, which starts Backward. SGD
// and Adam (with Decoupled, AdamW) follow PyTorch's documented update
// rules; ZeroGrad clears the gradients between steps and ClipGradNorm
// bounds their global norm. HeNormal, HeUniform, GlorotNormal and
// GlorotUniform fill any tensor, with Fans computing fan-in and fan-out
// as PyTorch does; ICNR initialises the Conv of a sub-pixel convolution
// so that it starts without checkerboard. Save and Load write and read
// parameters in a small binary format.
//
// # Errors
//
// No input makes a function of the package panic. Errors name the layer or
// function ("nn: conv: …", "nn: sequential: layer 2: conv: …") and wrap
// aniso's sentinels (aniso.ErrShape and the others), the error of the
// aniso operator that failed, ErrNoForward for a Backward before any
// Forward, or ErrFormat for a parameter file Load cannot use.
package nn
