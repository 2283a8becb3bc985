package segment

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReader checks that the frame decoder never panics and that every frame
// it accepts re-encodes to exactly the bytes it was read from.
func FuzzReader(f *testing.F) {
	golden, err := os.ReadFile(filepath.Join("testdata", "golden.seg"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add(golden[:len(golden)-3])
	f.Add(append(clone(golden), make([]byte, 40)...))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if h, err := ParseHeader(data); err == nil {
			if again := AppendHeader(nil, h); !bytes.Equal(again, data[:HeaderSize]) {
				t.Fatalf("header re-encodes differently")
			}
		} else if !errors.Is(err, ErrNotSegment) && !errors.Is(err, ErrBadHeader) && !errors.Is(err, ErrNewerVersion) {
			t.Fatalf("unexpected header error %v", err)
		}
		start := int64(0)
		if len(data) >= HeaderSize {
			start = HeaderSize
		}
		r := NewReader(bytes.NewReader(data), start, int64(len(data)))
		for {
			fr, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var fe *FrameError
				if !errors.As(err, &fe) {
					t.Fatalf("non-frame error %v", err)
				}
				break
			}
			enc, err := AppendFrame(nil, fr.Kind, fr.Payload)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(enc, data[fr.Offset:fr.Offset+int64(len(enc))]) {
				t.Fatalf("frame at %d re-encodes differently", fr.Offset)
			}
		}
		FindFrame(bytes.NewReader(data), 0, int64(len(data)))
	})
}
