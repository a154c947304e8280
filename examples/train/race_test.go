//go:build race

package main

// race is true when the race detector is on; it slows training tenfold,
// so the fast setting shrinks further.
const race = true
