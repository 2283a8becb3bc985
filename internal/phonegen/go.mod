module github.com/lowlightlog/llog/internal/phonegen

go 1.26.0

require github.com/nyaruka/phonenumbers v1.8.1

require (
	golang.org/x/text v0.23.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

require github.com/lowlightlog/llog v0.0.0-00010101000000-000000000000

replace github.com/lowlightlog/llog => ../../
