package nn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/anisoconv/aniso"
)

// Sentinel errors of the package. Other failures wrap aniso's sentinels
// (aniso.ErrNilTensor, aniso.ErrShape, aniso.ErrOption, aniso.ErrData,
// aniso.ErrTooLarge) or the error of the aniso operator that failed, so
// errors.Is classifies every error the package returns.
var (
	// ErrNoForward reports a Backward call on a layer that has not run
	// Forward yet.
	ErrNoForward = errors.New("backward before forward")
	// ErrFormat reports a parameter file that Load cannot read: a wrong
	// magic header or version, truncated input, or names and shapes that
	// do not match the parameters it is loaded into.
	ErrFormat = errors.New("invalid parameter file")
)

// opError is an error raised by one layer or function. Its message reads
// "nn: op: detail" and it unwraps to a sentinel or to the error it wraps.
type opError struct {
	op     string
	kind   error
	detail string
}

func (e *opError) Error() string { return "nn: " + e.op + ": " + e.detail }

func (e *opError) Unwrap() error { return e.kind }

func errorf(op string, kind error, format string, args ...any) error {
	return &opError{op: op, kind: kind, detail: fmt.Sprintf(format, args...)}
}

// wrap names op in front of err, which stays reachable through errors.Is
// and errors.As.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return &opError{op: op, kind: err, detail: strings.TrimPrefix(err.Error(), "nn: ")}
}

// guard turns a panic into an error wrapping aniso.ErrInternal, so that a
// bug never takes the caller's program down.
func guard(op string, err *error) {
	if r := recover(); r != nil {
		*err = errorf(op, aniso.ErrInternal, "internal error: %v", r)
	}
}
