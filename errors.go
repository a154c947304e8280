package aniso

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by the package wraps exactly one of
// them, so callers can classify failures with errors.Is; the message names
// the operator, the tensor or axis, and the numbers involved.
var (
	// ErrNilTensor reports a required tensor that is nil.
	ErrNilTensor = errors.New("nil tensor")
	// ErrShape reports tensors whose ranks, channel counts or sizes do not
	// fit together or do not fit the options.
	ErrShape = errors.New("shape mismatch")
	// ErrOption reports an option slice of the wrong length or an option
	// value out of its range.
	ErrOption = errors.New("invalid option")
	// ErrGeometry reports a geometry without valid output: a kernel larger
	// than the padded input, padding that crops past the data, or an empty
	// output.
	ErrGeometry = errors.New("invalid geometry")
	// ErrData reports a Data slice too short for the Shape and Strides that
	// describe it, negative sizes or strides, or a plan's result whose
	// memory overlaps an operand or another result.
	ErrData = errors.New("data does not match shape and strides")
	// ErrTooLarge reports sizes whose products overflow or exceed what the
	// package will allocate (MaxElements).
	ErrTooLarge = errors.New("size too large")
	// ErrGradient reports a gradient check whose analytic and numeric
	// directional derivatives disagree.
	ErrGradient = errors.New("gradient mismatch")
	// ErrInternal reports a failure inside the package that valid input
	// should never cause; it is a bug.
	ErrInternal = errors.New("internal error")
	// ErrNoSolution reports a shape pair that no stretch, stride and padding
	// within the solver's limits can connect.
	ErrNoSolution = errors.New("no solution")
	// ErrNilPlan reports a method called on a nil plan or on a plan that
	// was not made by its constructor (the zero value of the plan type).
	ErrNilPlan = errors.New("nil plan")
)

// MaxElements is the largest number of elements the package allocates for a
// single tensor or scratch buffer, and the most elements a tensor passed to
// an operator may have. Larger requests fail with ErrTooLarge before any
// allocation.
const MaxElements = 1 << 30

// maxRank is the most dimensions a tensor passed to an operator may have:
// several walks recurse once per dimension, and a goroutine that exhausts
// its stack cannot recover.
const maxRank = 64

// opError is an error raised by one operator. Its message reads
// "aniso: op: detail" and it unwraps to one of the sentinels.
type opError struct {
	op     string
	kind   error
	detail string
}

func (e *opError) Error() string { return "aniso: " + e.op + ": " + e.detail }

func (e *opError) Unwrap() error { return e.kind }

func errorf(op string, kind error, format string, args ...any) error {
	return &opError{op: op, kind: kind, detail: fmt.Sprintf(format, args...)}
}
