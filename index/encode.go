package index

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Value encodings. Part of the index format (Version): change them only
// with a new Version, which makes Open rebuild.
//
//	models   key nameKey(name) (the name itself, or 0xFF ‖ SHA-256(name)
//	         for the empty name and long ones), value be32(id)
//	block    uvarint count, uvarint segment, uvarint offset, varint min time,
//	         varint max time, 32-byte previous digest, uvarint n,
//	         n × uvarint model id
//	segment  uvarint last, uvarint records, uvarint bytes, varint min time,
//	         varint max time, uvarint n, n × uvarint model id
//	mark     uvarint seq, uvarint next segment, uvarint next offset, varint time
//	removal  uvarint first, uvarint last, 32-byte anchor, varint time,
//	         byte flags (1 done, 2 logged), uvarint policy length, policy,
//	         uvarint n, n × uvarint segment

// maxNameKey is the longest model name that is its own key in the models
// bucket. Longer names, the empty name (bbolt refuses empty keys) and names
// starting with the byte 0xFF are keyed by 0xFF and their SHA-256: model
// names are UTF-8, which never holds 0xFF, so the two kinds of key cannot
// meet, and every name a record can hold (up to the record size limit, far
// above bbolt's 32 KiB key limit) has a key.
const maxNameKey = 512

// nameKey returns the key of a model name in the models bucket.
func nameKey(name string) []byte {
	if len(name) > 0 && len(name) <= maxNameKey && name[0] != 0xff {
		return []byte(name)
	}
	h := sha256.Sum256([]byte(name))
	return append([]byte{0xff}, h[:]...)
}

func be64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func modelKey(id uint32, first uint64) []byte {
	return binary.BigEndian.AppendUint64(be32(id), first)
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || (n > 1 && r.b[n-1] == 0) { // overflow, or not the shortest form
		r.err = fmt.Errorf("%w: bad uvarint", ErrCorrupt)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 || (n > 1 && r.b[n-1] == 0) {
		r.err = fmt.Errorf("%w: bad varint", ErrCorrupt)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = fmt.Errorf("%w: length %d exceeds %d bytes left", ErrCorrupt, n, len(r.b))
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

// ids reads a count and that many model ids.
func (r *reader) ids() []uint32 {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.err = fmt.Errorf("%w: %d ids in %d bytes", ErrCorrupt, n, len(r.b))
		return nil
	}
	ids := make([]uint32, 0, n)
	for range n {
		v := r.uvarint()
		if v == 0 || v > 1<<32-1 {
			r.err = fmt.Errorf("%w: model id %d", ErrCorrupt, v)
			return nil
		}
		ids = append(ids, uint32(v))
	}
	return ids
}

func (r *reader) end() error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(r.b))
	}
	return r.err
}

func appendIDs(dst []byte, ids []uint32) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ids)))
	for _, id := range ids {
		dst = binary.AppendUvarint(dst, uint64(id))
	}
	return dst
}

func encodeBlock(b *Block, ids []uint32) []byte {
	v := binary.AppendUvarint(nil, uint64(b.Count))
	v = binary.AppendUvarint(v, b.Pos.Segment)
	v = binary.AppendUvarint(v, uint64(b.Pos.Offset))
	v = binary.AppendVarint(v, b.MinTime)
	v = binary.AppendVarint(v, b.MaxTime)
	v = append(v, b.Prev[:]...)
	return appendIDs(v, ids)
}

// decodeBlockIDs decodes a block value, leaving model ids unresolved.
func decodeBlockIDs(v []byte) ([]uint32, Block, error) {
	r := reader{b: v}
	var b Block
	count := r.uvarint()
	b.Pos.Segment = r.uvarint()
	off := r.uvarint()
	b.MinTime = r.varint()
	b.MaxTime = r.varint()
	copy(b.Prev[:], r.bytes(32))
	ids := r.ids()
	if err := r.end(); err != nil {
		return nil, b, err
	}
	if count == 0 || count > 1<<32-1 || off > 1<<62 || b.MinTime > b.MaxTime {
		return nil, b, fmt.Errorf("%w: block fields out of range", ErrCorrupt)
	}
	b.Count = uint32(count)
	b.Pos.Offset = int64(off)
	return ids, b, nil
}

func decodeBlock(tx *bolt.Tx, k, v []byte) (Block, error) {
	if len(k) != 8 {
		return Block{}, fmt.Errorf("%w: block key of %d bytes", ErrCorrupt, len(k))
	}
	ids, b, err := decodeBlockIDs(v)
	if err != nil {
		return b, err
	}
	b.First = binary.BigEndian.Uint64(k)
	b.Models, err = modelNames(tx, ids)
	return b, err
}

func encodeSegment(s *Segment, ids []uint32) []byte {
	v := binary.AppendUvarint(nil, s.Last)
	v = binary.AppendUvarint(v, s.Records)
	v = binary.AppendUvarint(v, uint64(s.Bytes))
	v = binary.AppendVarint(v, s.MinTime)
	v = binary.AppendVarint(v, s.MaxTime)
	return appendIDs(v, ids)
}

func decodeSegmentIDs(v []byte) ([]uint32, Segment, error) {
	r := reader{b: v}
	var s Segment
	s.Last = r.uvarint()
	s.Records = r.uvarint()
	bytes := r.uvarint()
	s.MinTime = r.varint()
	s.MaxTime = r.varint()
	ids := r.ids()
	if err := r.end(); err != nil {
		return nil, s, err
	}
	if bytes > 1<<62 {
		return nil, s, fmt.Errorf("%w: segment bytes out of range", ErrCorrupt)
	}
	s.Bytes = int64(bytes)
	return ids, s, nil
}

func decodeSegment(tx *bolt.Tx, k, v []byte) (Segment, error) {
	if len(k) != 8 {
		return Segment{}, fmt.Errorf("%w: segment key of %d bytes", ErrCorrupt, len(k))
	}
	ids, s, err := decodeSegmentIDs(v)
	if err != nil {
		return s, err
	}
	s.First = binary.BigEndian.Uint64(k)
	s.Models, err = modelNames(tx, ids)
	return s, err
}

func encodeMark(m Mark) []byte {
	v := binary.AppendUvarint(nil, m.Seq)
	v = binary.AppendUvarint(v, m.Next.Segment)
	v = binary.AppendUvarint(v, uint64(m.Next.Offset))
	return binary.AppendVarint(v, m.Time)
}

func decodeMark(v []byte) (Mark, error) {
	if v == nil {
		return Mark{}, nil
	}
	r := reader{b: v}
	var m Mark
	m.Seq = r.uvarint()
	m.Next.Segment = r.uvarint()
	off := r.uvarint()
	m.Time = r.varint()
	if err := r.end(); err != nil {
		return Mark{}, err
	}
	if off > 1<<62 {
		return Mark{}, fmt.Errorf("%w: mark offset out of range", ErrCorrupt)
	}
	m.Next.Offset = int64(off)
	return m, nil
}

func encodeRemoval(x *Removal) []byte {
	v := binary.AppendUvarint(nil, x.First)
	v = binary.AppendUvarint(v, x.Last)
	v = append(v, x.Anchor[:]...)
	v = binary.AppendVarint(v, x.Time)
	flags := byte(0)
	if x.Done {
		flags |= removalDone
	}
	if x.Logged {
		flags |= removalLogged
	}
	v = append(v, flags)
	v = binary.AppendUvarint(v, uint64(len(x.Policy)))
	v = append(v, x.Policy...)
	v = binary.AppendUvarint(v, uint64(len(x.Segments)))
	for _, s := range x.Segments {
		v = binary.AppendUvarint(v, s)
	}
	return v
}

func decodeRemoval(v []byte) (Removal, error) {
	r := reader{b: v}
	var x Removal
	x.First = r.uvarint()
	x.Last = r.uvarint()
	copy(x.Anchor[:], r.bytes(32))
	x.Time = r.varint()
	done := r.bytes(1)
	x.Policy = string(r.bytes(r.uvarint()))
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		return Removal{}, fmt.Errorf("%w: %d segments in %d bytes", ErrCorrupt, n, len(r.b))
	}
	for range n {
		x.Segments = append(x.Segments, r.uvarint())
	}
	if err := r.end(); err != nil {
		return Removal{}, err
	}
	if done[0]&^(removalDone|removalLogged) != 0 || x.First > x.Last {
		return Removal{}, fmt.Errorf("%w: removal fields out of range", ErrCorrupt)
	}
	x.Done = done[0]&removalDone != 0
	x.Logged = done[0]&removalLogged != 0
	return x, nil
}

// The bits of a removal's flags byte.
const (
	removalDone   = 1 << 0
	removalLogged = 1 << 1
)
