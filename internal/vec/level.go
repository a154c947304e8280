package vec

// A level is a family of versions of the operations.
type level int

const (
	generic level = iota
	avx2
	avx512
)

func (l level) String() string {
	return [...]string{"generic", "avx2", "avx512"}[l]
}

// use is the level the operations run at: the last of levels, the best
// this machine runs, unless the tests choose another.
var use = levels[len(levels)-1]
