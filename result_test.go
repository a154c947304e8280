package aniso

// Every test runs with the results of one-shot calls that are not zeroed
// filled with NaN, so that an element an operator leaves unwritten fails
// the comparisons with the reference.
func init() { poisonResults = true }
