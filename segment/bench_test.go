package segment

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

func BenchmarkAppendFrame(b *testing.B) {
	for _, n := range []int{256, 1024, 8192} {
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			payload := bytes.Repeat([]byte("a"), n)
			buf := make([]byte, 0, FrameSize(n))
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				buf, _ = AppendFrame(buf[:0], 1, payload)
			}
		})
	}
}

func BenchmarkReader(b *testing.B) {
	for _, n := range []int{256, 1024, 8192} {
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			payload := bytes.Repeat([]byte("a"), n)
			var data []byte
			const frames = 1024
			for range frames {
				data, _ = AppendFrame(data, 1, payload)
			}
			rd := bytes.NewReader(data)
			b.SetBytes(int64(n * frames))
			b.ReportAllocs()
			for b.Loop() {
				r := NewReader(rd, 0, int64(len(data)))
				for {
					if _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
