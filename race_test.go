//go:build race

package llog_test

// raceEnabled is set under the race detector, which makes every memory
// access several times slower.
const raceEnabled = true
