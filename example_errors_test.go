package aniso_test

import (
	"errors"
	"fmt"

	"github.com/anisoconv/aniso"
)

// Errors wrap the package's sentinels. A plan that was never made, or a
// result that shares memory with an operand, is an error, not a panic or a
// wrong answer.
func Example_errors() {
	var p *aniso.ConvPlan
	err := p.Forward(aniso.New(1, 1, 4), aniso.New(1, 1, 4), aniso.New(1, 1, 1), nil)
	fmt.Println(errors.Is(err, aniso.ErrNilPlan), err)
	fmt.Println(p.OutShape(), p.MACs(), p.Workspace())

	p, err = aniso.NewConvPlan([]int{1, 1, 4}, []int{1, 1, 1}, aniso.ConvOptions{})
	if err != nil {
		panic(err)
	}
	x := aniso.New(1, 1, 4)
	err = p.Forward(x, x, aniso.New(1, 1, 1), nil) // in place: y is x
	fmt.Println(errors.Is(err, aniso.ErrData), err)
	// Output:
	// true aniso: conv: the plan is nil or was not made by its constructor
	// [] 0 0
	// true aniso: conv: result y overlaps operand x in memory
}
