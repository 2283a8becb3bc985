//go:build !race

package llog_test

const raceEnabled = false
