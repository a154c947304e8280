package wino

// A level is a family of versions of the tile transforms.
type level int

const (
	generic level = iota
	avx512
)

func (l level) String() string {
	return [...]string{"generic", "avx512"}[l]
}

// use is the level the transforms run at: the last of levels, the best
// this machine runs, unless the tests choose another.
var use = levels[len(levels)-1]
