//go:build !race

package main

// race is true when the race detector is on.
const race = false
