//go:build !race

package aniso

const raceEnabled = false
