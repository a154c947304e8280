package nn

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"math"

	"github.com/anisoconv/aniso"
)

// The parameter file format, all integers little-endian:
//
//	magic    8 bytes  "ANISONN\n"
//	version  uint32   1
//	count    uint32   number of parameters
//	then per parameter, in order:
//	  name length  uint32, at most 4096
//	  name         bytes (UTF-8)
//	  rank         uint32, at most 64
//	  shape        rank × uint64
//	  data         Πshape × float32 (IEEE 754 bits), row-major
const (
	magic         = "ANISONN\n"
	formatVersion = 1
	maxNameLen    = 4096
	maxRank       = 64
)

// Save writes the names, shapes and values of params to w in the package's
// binary format (version 1):
//
//	"ANISONN\n", uint32 version, uint32 count, and per parameter
//	uint32 name length, name, uint32 rank, rank × uint64 sizes, and the
//	values as row-major float32; integers and floats little-endian.
//
// Values may be strided. Errors wrap aniso.ErrNilTensor or aniso.ErrData
// for invalid parameters, or the error of w.
func Save(w io.Writer, params []*Param) (err error) {
	const op = "save"
	defer guard(op, &err)
	for i, p := range params {
		if p == nil {
			return errorf(op, aniso.ErrNilTensor, "param %d is nil", i)
		}
		if err := checkTensor(op, "param "+p.Name, p.Value); err != nil {
			return err
		}
		if len(p.Name) > maxNameLen || len(p.Value.Shape) > maxRank {
			return errorf(op, aniso.ErrOption, "param %d: name of %d bytes or rank %d exceeds the format's %d and %d", i, len(p.Name), len(p.Value.Shape), maxNameLen, maxRank)
		}
	}
	bw := bufio.NewWriter(w)
	var b [8]byte
	put32 := func(v uint32) {
		binary.LittleEndian.PutUint32(b[:4], v)
		bw.Write(b[:4])
	}
	bw.WriteString(magic)
	put32(formatVersion)
	put32(uint32(len(params)))
	for _, p := range params {
		put32(uint32(len(p.Name)))
		bw.WriteString(p.Name)
		put32(uint32(len(p.Value.Shape)))
		for _, d := range p.Value.Shape {
			binary.LittleEndian.PutUint64(b[:], uint64(d))
			bw.Write(b[:])
		}
		vals := make([]float32, p.Value.Size())
		gather(vals, p.Value)
		for _, v := range vals {
			put32(math.Float32bits(v))
		}
	}
	// bufio.Writer keeps the first write error and returns it here.
	if err := bw.Flush(); err != nil {
		return wrap(op, err)
	}
	return nil
}

// Load reads a file written by Save into the values of params, which must
// be contiguous. The file must hold the same number of parameters, with
// the same names and shapes in the same order. Nothing is changed unless
// the whole file reads and matches. Errors wrap ErrFormat for a wrong
// magic header or version, truncated input, or a count, name or shape
// that does not match; aniso.ErrNilTensor or aniso.ErrData for invalid
// parameters; or the error of r.
func Load(r io.Reader, params []*Param) (err error) {
	const op = "load"
	defer guard(op, &err)
	for i, p := range params {
		if p == nil {
			return errorf(op, aniso.ErrNilTensor, "param %d is nil", i)
		}
		if err := checkDense(op, "param "+p.Name, p.Value); err != nil {
			return err
		}
	}
	br := bufio.NewReader(r)
	var b [8]byte
	read := func(n int, what string) error {
		if _, err := io.ReadFull(br, b[:n]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return errorf(op, ErrFormat, "truncated input: %s missing", what)
			}
			return wrap(op, err)
		}
		return nil
	}
	u32 := func(what string) (uint32, error) {
		err := read(4, what)
		return binary.LittleEndian.Uint32(b[:4]), err
	}
	if err := read(8, "magic header"); err != nil {
		return err
	}
	if string(b[:]) != magic {
		return errorf(op, ErrFormat, "magic header %q, want %q", b[:], magic)
	}
	v, err := u32("version")
	if err != nil {
		return err
	}
	if v != formatVersion {
		return errorf(op, ErrFormat, "version %d, this package reads %d", v, formatVersion)
	}
	count, err := u32("parameter count")
	if err != nil {
		return err
	}
	if int64(count) != int64(len(params)) {
		return errorf(op, ErrFormat, "file holds %d parameters, want %d", count, len(params))
	}
	vals := make([][]float32, len(params))
	var chunk [4096]byte
	for i, p := range params {
		n, err := u32("name length")
		if err != nil {
			return err
		}
		if n > maxNameLen {
			return errorf(op, ErrFormat, "param %d: name length %d exceeds %d", i, n, maxNameLen)
		}
		name := make([]byte, n)
		if _, err := io.ReadFull(br, name); err != nil {
			return errorf(op, ErrFormat, "truncated input: name of param %d missing", i)
		}
		if string(name) != p.Name {
			return errorf(op, ErrFormat, "param %d is named %q in the file, want %q", i, name, p.Name)
		}
		rank, err := u32("rank")
		if err != nil {
			return err
		}
		if int64(rank) != int64(len(p.Value.Shape)) {
			return errorf(op, ErrFormat, "param %q has rank %d in the file, want %d (shape %v)", p.Name, rank, len(p.Value.Shape), p.Value.Shape)
		}
		for a, want := range p.Value.Shape {
			if err := read(8, "shape"); err != nil {
				return err
			}
			if d := binary.LittleEndian.Uint64(b[:]); d != uint64(want) {
				return errorf(op, ErrFormat, "param %q: dimension %d has size %d in the file, want %d (shape %v)", p.Name, a, d, want, p.Value.Shape)
			}
		}
		vals[i] = make([]float32, p.Value.Size())
		for rest := vals[i]; len(rest) > 0; {
			k := min(len(rest), len(chunk)/4)
			if _, err := io.ReadFull(br, chunk[:4*k]); err != nil {
				return errorf(op, ErrFormat, "truncated input: values of param %q missing", p.Name)
			}
			for j := range rest[:k] {
				rest[j] = math.Float32frombits(binary.LittleEndian.Uint32(chunk[4*j:]))
			}
			rest = rest[k:]
		}
	}
	for i, p := range params {
		copy(p.Value.Data, vals[i])
	}
	return nil
}
