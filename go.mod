module github.com/lowlightlog/llog

go 1.25

require (
	github.com/klauspost/crc32 v1.3.0
	golang.org/x/sys v0.34.0
)
