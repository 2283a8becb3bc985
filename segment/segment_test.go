package segment

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenSegment builds the reference segment of the given header version
// stored in testdata/golden.seg (version 1) and testdata/golden-v2.seg.
func goldenSegment(t testing.TB, version uint16) []byte {
	var link [32]byte
	for i := range link {
		link[i] = byte(i + 1)
	}
	b := AppendHeader(nil, Header{Version: version, First: 42, Link: link})
	for _, f := range []struct {
		kind    Kind
		payload string
	}{
		{1, "first payload"},
		{1, ""},
		{7, strings.Repeat("x", 300)},
		{2, "commit"},
	} {
		var err error
		b, err = AppendFrame(b, f.kind, []byte(f.payload))
		if err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		version uint16
		file    string
	}{{1, "golden.seg"}, {2, "golden-v2.seg"}} {
		t.Run(tt.file, func(t *testing.T) { testGolden(t, tt.version, tt.file) })
	}
}

// testGolden checks that the segment of a header version still encodes and
// reads as it did when the version was frozen.
func testGolden(t *testing.T, version uint16, file string) {
	got := goldenSegment(t, version)
	path := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./segment -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoding changed: the on-disk format is frozen\n got %x\nwant %x", got, want)
	}
	h, err := ParseHeader(want)
	if err != nil {
		t.Fatal(err)
	}
	if h.Version != version || h.First != 42 || h.Link[0] != 1 || h.Link[31] != 32 {
		t.Fatalf("header = %+v", h)
	}
	r := NewReader(bytes.NewReader(want), HeaderSize, int64(len(want)))
	var kinds []Kind
	var sizes []int
	for {
		f, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, f.Kind)
		sizes = append(sizes, len(f.Payload))
	}
	if want := []Kind{1, 1, 7, 2}; !slicesEqual(kinds, want) {
		t.Fatalf("kinds = %v, want %v", kinds, want)
	}
	if want := []int{13, 0, 300, 6}; !slicesEqual(sizes, want) {
		t.Fatalf("sizes = %v, want %v", sizes, want)
	}
	if r.Offset() != int64(len(want)) {
		t.Fatalf("offset = %d, want %d", r.Offset(), len(want))
	}
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseHeaderErrors(t *testing.T) {
	good := AppendHeader(nil, Header{First: 1})
	tests := []struct {
		name   string
		damage func(b []byte) []byte
		want   error
	}{
		{"empty", func(b []byte) []byte { return nil }, ErrNotSegment},
		{"other file", func(b []byte) []byte { return []byte("SQLite format 3\x00" + strings.Repeat("\x00", 60)) }, ErrNotSegment},
		{"short", func(b []byte) []byte { return b[:20] }, ErrBadHeader},
		{"newer version", func(b []byte) []byte { b[hdrVersion] = Version + 1; return b }, ErrNewerVersion},
		{"version 0", func(b []byte) []byte {
			b[hdrVersion] = 0
			return reseal(b)
		}, ErrBadHeader},
		{"flipped first", func(b []byte) []byte { b[hdrFirst] ^= 1; return b }, ErrBadHeader},
		{"flipped link", func(b []byte) []byte { b[hdrLink+5] ^= 0x80; return b }, ErrBadHeader},
		{"flipped crc", func(b []byte) []byte { b[hdrCRC] ^= 1; return b }, ErrBadHeader},
		{"reserved set", func(b []byte) []byte { b[13] = 1; return reseal(b) }, ErrBadHeader},
		{"flags set", func(b []byte) []byte { b[hdrFlags] = 1; return reseal(b) }, ErrBadHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.damage(append([]byte(nil), good...))
			_, err := ParseHeader(b)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// reseal recomputes a header's checksum after a test changed a field.
func reseal(b []byte) []byte {
	c := Checksum(b[:hdrCRC])
	b[hdrCRC], b[hdrCRC+1], b[hdrCRC+2], b[hdrCRC+3] = byte(c), byte(c>>8), byte(c>>16), byte(c>>24)
	return b
}

func TestFrameErrors(t *testing.T) {
	frame, _ := AppendFrame(nil, 1, []byte("hello, frame"))
	tests := []struct {
		name   string
		bytes  func() []byte
		reason error
	}{
		{"partial header", func() []byte { return frame[:10] }, ErrTruncated},
		{"partial payload", func() []byte { return frame[:len(frame)-1] }, ErrTruncated},
		{"zero header", func() []byte { return make([]byte, 64) }, ErrZeroed},
		{"short zero tail", func() []byte { return make([]byte, 5) }, ErrZeroed},
		{"payload bit flip", func() []byte { b := clone(frame); b[20] ^= 4; return b }, ErrPayloadChecksum},
		{"length bit flip", func() []byte { b := clone(frame); b[frLength] ^= 1; return b }, ErrHeaderChecksum},
		{"kind 0 resealed", func() []byte {
			b := clone(frame)
			b[frKind] = 0
			return resealFrame(b)
		}, ErrInvalidFrame},
		{"huge length resealed", func() []byte {
			b := clone(frame)
			b[frLength+3] = 0xff
			return resealFrame(b)
		}, ErrInvalidFrame},
		{"garbage", func() []byte { return []byte("this is not a frame, just text...") }, ErrHeaderChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.bytes()
			r := NewReader(bytes.NewReader(b), 0, int64(len(b)))
			_, err := r.Next()
			var fe *FrameError
			if !errors.As(err, &fe) || !errors.Is(err, tt.reason) {
				t.Fatalf("err = %v, want FrameError with %v", err, tt.reason)
			}
			if fe.Offset != 0 {
				t.Fatalf("offset = %d", fe.Offset)
			}
			if _, err2 := r.Next(); err2 != err {
				t.Fatalf("error not sticky: %v then %v", err, err2)
			}
		})
	}
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func resealFrame(b []byte) []byte {
	c := Checksum(b[:frHeaderCRC])
	b[frHeaderCRC], b[frHeaderCRC+1], b[frHeaderCRC+2], b[frHeaderCRC+3] = byte(c), byte(c>>8), byte(c>>16), byte(c>>24)
	return b
}

func TestZeroFrameNeverDecodes(t *testing.T) {
	if Checksum(make([]byte, frHeaderCRC)) == 0 {
		t.Fatal("masked CRC of a zero header is zero: zeros would decode")
	}
	for n := 0; n <= 4096; n += 7 {
		z := make([]byte, n)
		if _, ok, _ := FindFrame(bytes.NewReader(z), 0, int64(n)); ok {
			t.Fatalf("found a frame in %d zero bytes", n)
		}
	}
}

func TestAppendFrameTooLarge(t *testing.T) {
	dst := []byte("keep")
	got, err := AppendFrame(dst, 1, make([]byte, MaxPayload+1))
	if !errors.Is(err, ErrPayloadTooLarge) || string(got) != "keep" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestAppendFrameNoAlloc(t *testing.T) {
	buf := make([]byte, 0, 4096)
	payload := make([]byte, 1024)
	allocs := testing.AllocsPerRun(100, func() {
		buf, _ = AppendFrame(buf[:0], 1, payload)
	})
	if allocs != 0 {
		t.Fatalf("AppendFrame allocated %.1f times", allocs)
	}
}

func TestLargeFrames(t *testing.T) {
	// Frames larger than the read buffer, interleaved with small ones.
	var b []byte
	sizes := []int{10, readBufSize + 1, 3, 3 * readBufSize, 0, readBufSize - FrameHeaderSize}
	for i, n := range sizes {
		p := bytes.Repeat([]byte{byte(i + 1)}, n)
		b, _ = AppendFrame(b, 1, p)
	}
	r := NewReader(bytes.NewReader(b), 0, int64(len(b)))
	for i, n := range sizes {
		f, err := r.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if len(f.Payload) != n || (n > 0 && f.Payload[n-1] != byte(i+1)) {
			t.Fatalf("frame %d: %d bytes", i, len(f.Payload))
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

func TestReaderStopsAtEnd(t *testing.T) {
	// A reader given an end inside the data (a live file's size snapshot)
	// sees only the frames before it; a frame cut by end is truncated.
	var b []byte
	b, _ = AppendFrame(b, 1, []byte("one"))
	first := len(b)
	b, _ = AppendFrame(b, 1, []byte("two"))
	r := NewReader(bytes.NewReader(b), 0, int64(first))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("want EOF at end, got %v", err)
	}
	r = NewReader(bytes.NewReader(b), 0, int64(first+5))
	r.Next()
	if _, err := r.Next(); !errors.Is(err, ErrTruncated) {
		t.Fatalf("want truncated, got %v", err)
	}
}

func TestFindFrame(t *testing.T) {
	good, _ := AppendFrame(nil, 3, []byte("a valid frame after the damage"))
	tests := []struct {
		name   string
		prefix []byte
		found  bool
	}{
		{"zeros then frame", make([]byte, 1000), true},
		{"garbage then frame", []byte(strings.Repeat("garbage!", 100)), true},
		{"nothing after", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := append(clone(tt.prefix), good...)
			off, ok, err := FindFrame(bytes.NewReader(b), 0, int64(len(b)))
			if err != nil || ok != tt.found || off != int64(len(tt.prefix)) {
				t.Fatalf("FindFrame = %d, %v, %v", off, ok, err)
			}
		})
	}
	// A frame whose payload runs past end is not found.
	b := append(make([]byte, 3), good...)
	if _, ok, _ := FindFrame(bytes.NewReader(b), 0, int64(len(b)-1)); ok {
		t.Fatal("found a frame that runs past end")
	}
	// Across the scan's internal chunk boundary.
	b = append(make([]byte, (1<<20)-5), good...)
	if off, ok, _ := FindFrame(bytes.NewReader(b), 0, int64(len(b))); !ok || off != (1<<20)-5 {
		t.Fatalf("across chunk: %d %v", off, ok)
	}
}
