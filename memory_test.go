package aniso

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"testing"
)

// memoryChildEnv makes the test binary run the memory cases itself, in a
// child process whose address space is limited.
const memoryChildEnv = "ANISO_MEMORY_CHILD"

// memoryLimit is the address space of the child: far below what any of
// the memory cases would have taken before their scratch was bounded, far
// above what they take now.
const memoryLimit = 3 << 30

// allocLimit is the most a memory case may allocate.
const allocLimit = 256 << 20

// memoryCases are geometries whose tensors are within MaxElements (or
// empty) but whose scratch once was not: each must fail with ErrTooLarge or
// succeed within allocLimit.
var memoryCases = []struct {
	name string
	run  func() error
}{
	{"unpool ones kernel of channels·Πk", func() error {
		_, err := NewUnpoolPlan([]int{1, 1 << 21, 1}, UnpoolOptions{Ksize: []int{1024}, Stride: []int{1}, OutSize: []int{1}})
		return err
	}},
	{"unpool empty batch of 2^40 channels", func() error {
		_, err := UnpoolND(&Tensor{Shape: []int{0, 1 << 40, 1}}, UnpoolOptions{Ksize: []int{2}, Stride: []int{1}})
		return err
	}},
	{"unpool backward, empty batch", func() error {
		_, err := UnpoolNDBackward(&Tensor{Shape: []int{0, 1 << 40, 1}}, &Tensor{Shape: []int{0, 1 << 40, 2}}, UnpoolOptions{Ksize: []int{2}, Stride: []int{1}})
		return err
	}},
	{"stretch zeros, a phase without taps", func() error {
		_, err := NewStretchConvPlan([]int{1, 1, 1 << 29}, []int{1, 1, 1}, StretchOptions{Stretch: []int{2}, Mode: Zeros})
		return err
	}},
	{"stretch zeros 2-D, a phase without taps", func() error {
		_, err := NewStretchConvPlan([]int{1, 1, 1 << 14, 1 << 15}, []int{1, 1, 1, 1}, StretchOptions{Stretch: []int{1, 2}, Mode: Zeros})
		return err
	}},
	{"stretch nearest, long axis", func() error {
		_, err := NewStretchConvPlan([]int{1, 1, 1 << 29}, []int{1, 1, 2}, StretchOptions{Stretch: []int{2}})
		return err
	}},
	{"output tile of 2^30 channels, empty batch", func() error {
		_, err := NewConvPlan([]int{0, 1, 64}, []int{1 << 30, 1, 1}, ConvOptions{})
		return err
	}},
	{"output tile of 2^22 channels", func() error {
		_, err := NewConvPlan([]int{1, 1, 64}, []int{1 << 22, 1, 1}, ConvOptions{})
		return err
	}},
	{"output tile of 2^24 channels", func() error {
		_, err := NewConvPlan([]int{1, 1, 64}, []int{1 << 24, 1, 1}, ConvOptions{})
		return err
	}},
	{"conv empty batch, 2^22 channels", func() error {
		_, err := Conv(&Tensor{Shape: []int{0, 1, 64}}, &Tensor{Data: make([]float32, 1), Shape: []int{1 << 22, 1, 1}, Strides: []int{0, 0, 0}}, nil, ConvOptions{})
		return err
	}},
	{"im2col tile of a 2^22-tap kernel", func() error {
		_, err := NewConvPlan([]int{1, 1, 1 << 11, 1<<11 + 63}, []int{1, 1, 1 << 11, 1 << 11}, ConvOptions{})
		return err
	}},
	{"im2col tile of a 2^24-tap kernel", func() error {
		_, err := NewConvPlan([]int{1, 1, 1 << 12, 1<<12 + 63}, []int{1, 1, 1 << 12, 1 << 12}, ConvOptions{})
		return err
	}},
	{"im2col tile of 2^22 channels", func() error {
		_, err := NewDeconvPlan([]int{1, 1, 64}, []int{1, 1 << 22, 1}, DeconvOptions{})
		return err
	}},
	{"im2col tile of 2^24 channels", func() error {
		_, err := NewDeconvPlan([]int{1, 1, 64}, []int{1, 1 << 24, 1}, DeconvOptions{})
		return err
	}},
	{"folded weights of 2^29 weights, plan only", func() error {
		_, err := NewStretchConvPlan([]int{1, 1 << 14, 4}, []int{1 << 14, 1 << 14, 2}, StretchOptions{Stretch: []int{2}})
		return err
	}},
	{"phase tables of one sample stretched 2^20 times", func() error {
		_, err := NewStretchConvPlan([]int{1, 1, 1}, []int{1, 1, 1}, StretchOptions{Stretch: []int{1 << 20}})
		return err
	}},
	{"2^16 phases over three axes", func() error {
		_, err := NewStretchConvPlan([]int{1, 1, 1, 1, 1}, []int{1, 1, 1, 1, 1}, StretchOptions{Stretch: []int{1 << 6, 1 << 5, 1 << 5}})
		return err
	}},
	{"fold lists of a large kernel", func() error {
		_, err := NewStretchConvPlan([]int{1, 1, 1 << 11, 1 << 11}, []int{1, 1, 1 << 11, 1 << 11}, StretchOptions{Stretch: []int{2, 2}})
		return err
	}},
}

// TestMemoryBounded runs memoryCases in a child process limited to
// memoryLimit bytes of address space (where the system allows it): an
// allocation that escaped its bound would kill the child, not the tests.
func TestMemoryBounded(t *testing.T) {
	if os.Getenv(memoryChildEnv) != "" {
		runMemoryCases(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryBounded$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), memoryChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func runMemoryCases(t *testing.T) {
	if err := limitAddressSpace(memoryLimit); err != nil {
		t.Logf("no address-space limit: %v", err)
	}
	debug.SetMemoryLimit(memoryLimit / 2)
	for _, c := range memoryCases {
		t.Run(c.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := c.run()
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: allocated %d MiB, error %v", c.name, alloc>>20, err)
			if err != nil && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v, want nil or ErrTooLarge", err)
			}
			if alloc > allocLimit {
				t.Fatalf("allocated %s, more than %s", mib(alloc), mib(allocLimit))
			}
		})
	}
}

func mib(n uint64) string { return fmt.Sprintf("%d MiB", n>>20) }
