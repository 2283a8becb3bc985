package segment

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/klauspost/crc32"
)

// Part of the on-disk format: never change these.
const (
	// Version is the format version this package writes, and the newest
	// it reads. Versions 2 (checkpoint frames) and 3 (removal frames, see
	// package wal) added no field: the frame layout is that of version 1,
	// which is still read. A reader of an older version refuses a newer
	// file rather than meet frame kinds it does not know.
	Version = 3
	// MinVersion is the oldest version this package reads.
	MinVersion = 1
	// HeaderSize is the size of the file header in bytes.
	HeaderSize = 64
	// FrameHeaderSize is the size of a frame header in bytes.
	FrameHeaderSize = 16
	// MaxPayload is the largest payload a frame may carry (64 MiB).
	MaxPayload = 64 << 20

	magic = "\x89LLOGSG\n"

	// File header field offsets.
	hdrVersion = 8
	hdrFlags   = 10
	hdrFirst   = 16
	hdrLink    = 24
	hdrCRC     = 60

	// Frame header field offsets.
	frPayloadCRC = 0
	frLength     = 4
	frKind       = 8
	frHeaderCRC  = 12

	crcMaskDelta = 0xa282ead8
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Errors returned by ParseHeader.
var (
	// ErrNotSegment is returned when a file does not start with the segment
	// magic: it is not a segment file.
	ErrNotSegment = errors.New("segment: not a segment file")
	// ErrNewerVersion is returned when a segment was written by a newer
	// version of the format than this package reads.
	ErrNewerVersion = errors.New("segment: newer format version")
	// ErrBadHeader is returned when a segment header has the right magic but
	// is damaged: bad checksum, version 0 or non-zero reserved fields.
	ErrBadHeader = errors.New("segment: damaged header")
)

// Reasons a frame is rejected; a [FrameError] carries one of them.
var (
	// ErrTruncated means the bytes end inside a frame header or payload.
	ErrTruncated = errors.New("segment: truncated frame")
	// ErrZeroed means the frame header is all zero bytes, as filesystems
	// leave after a power cut or as preallocation leaves.
	ErrZeroed = errors.New("segment: zero-filled frame header")
	// ErrHeaderChecksum means the frame header's checksum does not match.
	ErrHeaderChecksum = errors.New("segment: frame header checksum mismatch")
	// ErrPayloadChecksum means the payload's checksum does not match.
	ErrPayloadChecksum = errors.New("segment: frame payload checksum mismatch")
	// ErrInvalidFrame means the frame header checksum matches but a field is
	// out of range (kind 0, reserved bytes set, length above MaxPayload).
	ErrInvalidFrame = errors.New("segment: invalid frame header")
	// ErrPayloadTooLarge is returned by AppendFrame for a payload longer than
	// MaxPayload.
	ErrPayloadTooLarge = errors.New("segment: payload too large")
)

// FrameError reports a frame that cannot be decoded and where it starts.
type FrameError struct {
	Offset int64 // offset of the frame header in the file
	Reason error // ErrTruncated, ErrZeroed, ErrHeaderChecksum, ErrPayloadChecksum or ErrInvalidFrame
}

// Error describes the frame error and its offset.
func (e *FrameError) Error() string {
	return fmt.Sprintf("%v at offset %d", e.Reason, e.Offset)
}

// Unwrap returns the reason.
func (e *FrameError) Unwrap() error { return e.Reason }

// Kind is the type of a frame, chosen by the caller. Kind 0 is invalid.
type Kind uint8

// Header is the content of a segment file header.
type Header struct {
	// Version is the header's format version. AppendHeader writes Version
	// when it is 0; ParseHeader returns what the file holds (MinVersion to
	// Version).
	Version uint16
	// First is opaque to this package; the log stores the sequence number
	// of the segment's first entry in it.
	First uint64
	// Link is opaque to this package; the log stores the value that links
	// this segment to the one before it.
	Link [32]byte
}

// Checksum returns the masked CRC32-C of b.
func Checksum(b []byte) uint32 {
	return mask(crc32.Checksum(b, castagnoli))
}

func mask(c uint32) uint32 { return ((c >> 15) | (c << 17)) + crcMaskDelta }

// AppendHeader appends the encoded file header h to dst.
func AppendHeader(dst []byte, h Header) []byte {
	var b [HeaderSize]byte
	copy(b[:], magic)
	v := h.Version
	if v == 0 {
		v = Version
	}
	binary.LittleEndian.PutUint16(b[hdrVersion:], v)
	binary.LittleEndian.PutUint64(b[hdrFirst:], h.First)
	copy(b[hdrLink:], h.Link[:])
	binary.LittleEndian.PutUint32(b[hdrCRC:], Checksum(b[:hdrCRC]))
	return append(dst, b[:]...)
}

// ParseHeader decodes a file header from the first HeaderSize bytes of b.
// It returns ErrNotSegment, ErrNewerVersion or ErrBadHeader (possibly
// wrapped) when b is not a valid header of this version.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < len(magic) || string(b[:len(magic)]) != magic {
		return Header{}, ErrNotSegment
	}
	if len(b) < HeaderSize {
		return Header{}, fmt.Errorf("%w: %d bytes, want %d", ErrBadHeader, len(b), HeaderSize)
	}
	b = b[:HeaderSize]
	v := binary.LittleEndian.Uint16(b[hdrVersion:])
	if v > Version {
		return Header{}, fmt.Errorf("%w: version %d, this build reads up to %d", ErrNewerVersion, v, Version)
	}
	if got, want := binary.LittleEndian.Uint32(b[hdrCRC:]), Checksum(b[:hdrCRC]); got != want {
		return Header{}, fmt.Errorf("%w: checksum %08x, want %08x", ErrBadHeader, got, want)
	}
	if v == 0 {
		return Header{}, fmt.Errorf("%w: version 0", ErrBadHeader)
	}
	if binary.LittleEndian.Uint16(b[hdrFlags:]) != 0 || !allZero(b[12:16]) || !allZero(b[56:60]) {
		return Header{}, fmt.Errorf("%w: reserved fields set", ErrBadHeader)
	}
	var h Header
	h.Version = v
	h.First = binary.LittleEndian.Uint64(b[hdrFirst:])
	copy(h.Link[:], b[hdrLink:hdrLink+32])
	return h, nil
}

// FrameSize returns the encoded size of a frame with an n-byte payload.
func FrameSize(n int) int { return FrameHeaderSize + n }

// AppendFrame appends a frame of the given kind holding payload to dst. It
// panics if kind is 0 and returns ErrPayloadTooLarge, with dst unchanged,
// for a payload longer than MaxPayload. It does not allocate when dst has
// room.
func AppendFrame(dst []byte, kind Kind, payload []byte) ([]byte, error) {
	if kind == 0 {
		panic("segment: frame kind 0")
	}
	if len(payload) > MaxPayload {
		return dst, ErrPayloadTooLarge
	}
	n := len(dst)
	dst = grow(dst, FrameHeaderSize+len(payload))
	h := dst[n : n+FrameHeaderSize]
	binary.LittleEndian.PutUint32(h[frPayloadCRC:], Checksum(payload))
	binary.LittleEndian.PutUint32(h[frLength:], uint32(len(payload)))
	h[frKind] = byte(kind)
	h[9], h[10], h[11] = 0, 0, 0
	binary.LittleEndian.PutUint32(h[frHeaderCRC:], Checksum(h[:frHeaderCRC]))
	copy(dst[n+FrameHeaderSize:], payload)
	return dst, nil
}

// grow extends b by n bytes, reallocating with room to spare when needed.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), 2*cap(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

// frameHeader is a decoded frame header.
type frameHeader struct {
	payloadCRC uint32
	length     int
	kind       Kind
}

// parseFrameHeader checks and decodes a FrameHeaderSize-byte frame header.
func parseFrameHeader(h []byte) (frameHeader, error) {
	if binary.LittleEndian.Uint32(h[frHeaderCRC:]) != Checksum(h[:frHeaderCRC]) {
		if allZero(h[:FrameHeaderSize]) {
			return frameHeader{}, ErrZeroed
		}
		return frameHeader{}, ErrHeaderChecksum
	}
	// Check the length as the uint32 it is: converted to int first, a length
	// of 2^31 or more would be negative on 32-bit ARM and pass the check.
	length := binary.LittleEndian.Uint32(h[frLength:])
	kind := Kind(h[frKind])
	if kind == 0 || h[9]|h[10]|h[11] != 0 || length > MaxPayload {
		return frameHeader{}, ErrInvalidFrame
	}
	return frameHeader{
		payloadCRC: binary.LittleEndian.Uint32(h[frPayloadCRC:]),
		length:     int(length),
		kind:       kind,
	}, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// PayloadLen checks a frame header (the first FrameHeaderSize bytes of h)
// and returns the length of the payload that follows it.
func PayloadLen(h []byte) (int, error) {
	if len(h) < FrameHeaderSize {
		return 0, ErrTruncated
	}
	fh, err := parseFrameHeader(h[:FrameHeaderSize])
	return fh.length, err
}

// DecodeFrame decodes the single frame at the start of b and returns it with
// Offset 0. The payload aliases b.
func DecodeFrame(b []byte) (Frame, error) {
	n, err := PayloadLen(b)
	if err != nil {
		return Frame{}, err
	}
	if len(b) < FrameHeaderSize+n {
		return Frame{}, ErrTruncated
	}
	payload := b[FrameHeaderSize : FrameHeaderSize+n]
	if Checksum(payload) != binary.LittleEndian.Uint32(b[frPayloadCRC:]) {
		return Frame{}, ErrPayloadChecksum
	}
	return Frame{Kind: Kind(b[frKind]), Payload: payload}, nil
}
