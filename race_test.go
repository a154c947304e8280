//go:build race

package aniso

// raceEnabled says that the tests run under the race detector, which
// slows the float64 reference loops tenfold.
const raceEnabled = true
