package segment

import "io"

const readBufSize = 64 << 10

// Frame is a decoded frame.
type Frame struct {
	Kind Kind
	// Payload aliases the reader's buffer: it is valid until the next call
	// to Next.
	Payload []byte
	// Offset is where the frame header starts in the file.
	Offset int64
}

// Reader decodes frames one after another from a byte range of an
// io.ReaderAt. It reads ahead in large blocks, so a sequential scan costs few
// system calls, and it never reads past the end it was given, so a reader of
// a file that is still being appended to sees a fixed prefix.
type Reader struct {
	r      io.ReaderAt
	end    int64
	buf    []byte
	bufOff int64 // file offset of buf[0]
	pos    int   // start of the next frame in buf
	n      int   // bytes of buf holding data
	err    error // sticky
}

// NewReader returns a Reader of the frames in r between offsets start and
// end; start is usually HeaderSize and end the file size.
func NewReader(r io.ReaderAt, start, end int64) *Reader {
	return &Reader{r: r, end: end, buf: make([]byte, readBufSize), bufOff: start}
}

// Reset makes r read the frames of another range, keeping its buffer.
func (r *Reader) Reset(ra io.ReaderAt, start, end int64) {
	r.r, r.end, r.bufOff, r.pos, r.n, r.err = ra, end, start, 0, 0, nil
}

// SetEnd moves the end of the range, for a file that grew.
func (r *Reader) SetEnd(end int64) { r.end = end }

// Err returns the sticky error of the last Next, or nil.
func (r *Reader) Err() error { return r.err }

// Offset returns the offset just past the last frame Next returned: where
// the next frame starts, or where a bad frame starts after Next failed.
func (r *Reader) Offset() int64 { return r.bufOff + int64(r.pos) }

// Next returns the next frame. At the end of the range it returns io.EOF.
// When the bytes at the current offset are not a valid frame it returns a
// *FrameError naming the offset and the reason; after an error every later
// call returns the same error.
func (r *Reader) Next() (Frame, error) {
	if r.err != nil {
		return Frame{}, r.err
	}
	off := r.Offset()
	if off >= r.end {
		r.err = io.EOF
		return Frame{}, r.err
	}
	if err := r.fill(FrameHeaderSize); err != nil {
		r.err = err
		return Frame{}, err
	}
	if r.n-r.pos < FrameHeaderSize {
		return Frame{}, r.bad(off, r.partialReason())
	}
	fh, err := parseFrameHeader(r.buf[r.pos : r.pos+FrameHeaderSize])
	if err != nil {
		return Frame{}, r.bad(off, err)
	}
	size := FrameHeaderSize + fh.length
	if err := r.fill(size); err != nil {
		r.err = err
		return Frame{}, err
	}
	if r.n-r.pos < size {
		return Frame{}, r.bad(off, ErrTruncated)
	}
	payload := r.buf[r.pos+FrameHeaderSize : r.pos+size]
	if Checksum(payload) != fh.payloadCRC {
		return Frame{}, r.bad(off, ErrPayloadChecksum)
	}
	r.pos += size
	return Frame{Kind: fh.kind, Payload: payload, Offset: off}, nil
}

// bad records a *FrameError for the frame at off as the sticky error.
func (r *Reader) bad(off int64, reason error) error {
	r.err = &FrameError{Offset: off, Reason: reason}
	return r.err
}

// partialReason classifies a tail too short for a frame header.
func (r *Reader) partialReason() error {
	if allZero(r.buf[r.pos:r.n]) {
		return ErrZeroed
	}
	return ErrTruncated
}

// fill makes at least need bytes available from pos, or all bytes up to end
// when fewer remain.
func (r *Reader) fill(need int) error {
	if r.n-r.pos >= need {
		return nil
	}
	if r.pos > 0 {
		copy(r.buf, r.buf[r.pos:r.n])
		r.n -= r.pos
		r.bufOff += int64(r.pos)
		r.pos = 0
	}
	if need > len(r.buf) {
		nb := make([]byte, need)
		copy(nb, r.buf[:r.n])
		r.buf = nb
	}
	for r.n < need {
		remain := r.end - (r.bufOff + int64(r.n))
		if remain <= 0 {
			return nil
		}
		want := len(r.buf) - r.n
		if int64(want) > remain {
			want = int(remain)
		}
		m, err := r.r.ReadAt(r.buf[r.n:r.n+want], r.bufOff+int64(r.n))
		r.n += m
		if err == io.EOF {
			// The file is shorter than end: treat its end as ours.
			r.end = r.bufOff + int64(r.n)
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// FindFrame reports whether any valid frame (header and payload checksums
// both correct) starts at an offset in [from, end) of r, and the first such
// offset. It tells a torn tail (nothing valid follows the damage) from
// corruption (valid frames follow it). The search checks the 12-byte header
// checksum at each candidate offset and reads a payload only when that
// passes, so a scan costs little more than reading the bytes once.
func FindFrame(r io.ReaderAt, from, end int64) (int64, bool, error) {
	const chunk = 1 << 20
	buf := make([]byte, chunk+FrameHeaderSize)
	var payload []byte
	for base := from; base+FrameHeaderSize <= end; base += chunk {
		want := int64(len(buf))
		if base+want > end {
			want = end - base
		}
		n, err := r.ReadAt(buf[:want], base)
		if err != nil && err != io.EOF {
			return 0, false, err
		}
		b := buf[:n]
		for i := 0; i+FrameHeaderSize <= len(b) && i < chunk; i++ {
			h := b[i : i+FrameHeaderSize]
			// Cheap rejections before the checksum: kind set, reserved zero.
			if h[frKind] == 0 || h[9]|h[10]|h[11] != 0 {
				continue
			}
			fh, err := parseFrameHeader(h)
			if err != nil {
				continue
			}
			off := base + int64(i)
			if off+int64(FrameHeaderSize+fh.length) > end {
				continue
			}
			if cap(payload) < fh.length {
				payload = make([]byte, fh.length)
			}
			payload = payload[:fh.length]
			if _, err := r.ReadAt(payload, off+FrameHeaderSize); err != nil && err != io.EOF {
				return 0, false, err
			}
			if Checksum(payload) == fh.payloadCRC {
				return off, true, nil
			}
		}
		if err == io.EOF {
			break
		}
	}
	return 0, false, nil
}
