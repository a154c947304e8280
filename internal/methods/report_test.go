package methods

import (
	"slices"
	"testing"
)

func TestSizes(t *testing.T) {
	if v, err := Sizes("100, 200"); err != nil || !slices.Equal(v, []int{100, 200}) {
		t.Errorf("Sizes = %v, %v", v, err)
	}
	for _, s := range []string{"100,0", "", "1,,2", "-3", "x"} {
		if _, err := Sizes(s); err == nil {
			t.Errorf("Sizes accepted %q", s)
		}
	}
	if got := Dims([]int{8, 32, 100, 100}); got != "8×32×100×100" {
		t.Errorf("Dims = %q", got)
	}
}
