module github.com/lowlightlog/llog

go 1.25.0

require (
	github.com/klauspost/crc32 v1.3.0
	github.com/spf13/pflag v1.1.0
	go.etcd.io/bbolt v1.5.0
	golang.org/x/mod v0.40.0
	golang.org/x/sys v0.45.0
)
