package aniso_test

import (
	"fmt"

	"github.com/anisoconv/aniso"
)

func ExampleSolveStretch() {
	for _, c := range []struct{ in, out, kernel []int }{
		{[]int{100, 100}, []int{50, 200}, []int{4, 4}},
		{[]int{16, 16, 16}, []int{8, 32, 16}, []int{3, 3, 3}},
	} {
		o, err := aniso.SolveStretch(c.in, c.out, c.kernel, aniso.Nearest)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%v → %v, kernel %v:\n", c.in, c.out, c.kernel)
		for i := range c.in {
			fmt.Printf("  axis %d: stretch %d, stride %d, pad %d/%d\n",
				i, o.Stretch[i], o.Stride[i], o.PadLo[i], o.PadHi[i])
		}
	}
	// Output:
	// [100 100] → [50 200], kernel [4 4]:
	//   axis 0: stretch 1, stride 2, pad 1/1
	//   axis 1: stretch 2, stride 1, pad 1/2
	// [16 16 16] → [8 32 16], kernel [3 3 3]:
	//   axis 0: stretch 1, stride 2, pad 0/1
	//   axis 1: stretch 2, stride 1, pad 1/1
	//   axis 2: stretch 1, stride 1, pad 1/1
}
