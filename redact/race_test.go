//go:build race

package redact_test

// raceEnabled is set under the race detector, whose slowdown is uneven
// enough to make timing comparisons meaningless.
const raceEnabled = true
