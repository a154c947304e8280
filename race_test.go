//go:build race

package aniso

const raceEnabled = true
