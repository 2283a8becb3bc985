package llog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/wal"
)

// Removal records records removed from the log: by retention (whole
// segments, oldest first), by a repair (damaged batches, see Repair), or
// lost (records the store shows were committed that its log no longer
// holds, found at Open). Each is written in the log itself, as a removal
// frame committed before anything is removed, so that verification can
// tell a removal from tampering without any other file.
type Removal struct {
	First    uint64       `json:"first_seq"` // first removed sequence number
	Last     uint64       `json:"last_seq"`  // last removed sequence number
	Segments []string     `json:"segments"`  // segment files removed (retention), or repaired (repair)
	Anchor   chain.Digest `json:"anchor"`    // the digest record Last+1 links to: the chain continues from it
	// Policy says why: the retention limits that removed the records
	// ("max-age", "max-bytes", "max-records", several joined by commas),
	// "repair" or "lost".
	Policy string    `json:"policy"`
	Time   time.Time `json:"time"` // when it was decided
	Done   bool      `json:"done"` // retention: files deleted and the deletion synced; otherwise true
	// Reason, for a repair or a loss, says what was found.
	Reason string `json:"reason,omitempty"`
	// Copy, for a repair, is the copy of the segment as it was, kept in the
	// store folder.
	Copy string `json:"copy,omitempty"`
	// LogEnd, for a repair, is the last sequence number the log held when
	// the repair ran: checkpoints of that many records or fewer were made
	// before it.
	LogEnd uint64 `json:"log_end,omitempty"`
}

// Policies of removals that are not retention's.
const (
	policyRepair = "repair"
	policyLost   = "lost"
)

// retention reports whether r is a removal by retention.
func (r *Removal) retention() bool { return r.Policy != policyRepair && r.Policy != policyLost }

// removalVersion is the version byte of a removal frame's payload. Part of
// the on-disk format.
const removalPayloadVersion = 1

// The payload of a removal frame (wal.KindRemoval), FORMAT.md section 8:
//
//	u8 version (1), uvarint first, uvarint last, 32-byte anchor,
//	varint time (Unix ns), string policy, string reason,
//	uvarint n, n × uvarint segment (first seq), uvarint log end, string copy
//
// where a string is a uvarint length and that many bytes of UTF-8.

// appendRemovalPayload encodes r as the payload of a removal frame.
func appendRemovalPayload(dst []byte, r *Removal) []byte {
	dst = append(dst, removalPayloadVersion)
	dst = binary.AppendUvarint(dst, r.First)
	dst = binary.AppendUvarint(dst, r.Last)
	dst = append(dst, r.Anchor[:]...)
	dst = binary.AppendVarint(dst, r.Time.UnixNano())
	dst = appendString(dst, r.Policy)
	dst = appendString(dst, r.Reason)
	dst = binary.AppendUvarint(dst, uint64(len(r.Segments)))
	for _, name := range r.Segments {
		first, _ := wal.ParseSegmentName(name)
		dst = binary.AppendUvarint(dst, first)
	}
	dst = binary.AppendUvarint(dst, r.LogEnd)
	return appendString(dst, r.Copy)
}

// errBadRemoval is the reason a removal frame's payload is refused.
var errBadRemoval = errors.New("malformed removal frame")

// parseRemovalPayload decodes the payload of a removal frame. Done is set
// for removals other than retention's; the caller knows whether a
// retention's files are gone.
func parseRemovalPayload(p []byte) (Removal, error) {
	if len(p) == 0 || p[0] != removalPayloadVersion {
		if len(p) > 0 && p[0] > removalPayloadVersion {
			return Removal{}, fmt.Errorf("%w: removal frame of version %d", ErrNewerVersion, p[0])
		}
		return Removal{}, fmt.Errorf("%w: version", errBadRemoval)
	}
	d := decoder{b: p[1:]}
	var r Removal
	r.First = d.uvarint()
	r.Last = d.uvarint()
	if len(d.b) < chain.Size {
		return Removal{}, fmt.Errorf("%w: %d bytes", errBadRemoval, len(p))
	}
	copy(r.Anchor[:], d.b)
	d.b = d.b[chain.Size:]
	r.Time = time.Unix(0, d.varint()).UTC()
	r.Policy = d.string("policy")
	r.Reason = d.string("reason")
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		return Removal{}, fmt.Errorf("%w: %d segments in %d bytes", errBadRemoval, n, len(d.b))
	}
	for range n {
		r.Segments = append(r.Segments, wal.SegmentName(d.uvarint()))
	}
	r.LogEnd = d.uvarint()
	r.Copy = d.string("copy")
	switch {
	case d.err != nil:
		return Removal{}, fmt.Errorf("%w: %v", errBadRemoval, d.err)
	case len(d.b) != 0:
		return Removal{}, fmt.Errorf("%w: %d trailing bytes", errBadRemoval, len(d.b))
	case r.First == 0 || r.First > r.Last:
		return Removal{}, fmt.Errorf("%w: range %d to %d", errBadRemoval, r.First, r.Last)
	case r.Policy == "":
		return Removal{}, fmt.Errorf("%w: no policy", errBadRemoval)
	}
	r.Done = !r.retention()
	return r, nil
}

// removalFrom returns the removal an index record describes.
func removalFrom(r index.Removal) Removal {
	out := Removal{First: r.First, Last: r.Last, Anchor: r.Anchor, Policy: r.Policy,
		Time: time.Unix(0, r.Time).UTC(), Done: r.Done}
	for _, s := range r.Segments {
		out.Segments = append(out.Segments, wal.SegmentName(s))
	}
	return out
}

// indexRemoval returns the index record of a removal by retention.
func indexRemoval(r *Removal) index.Removal {
	out := index.Removal{First: r.First, Last: r.Last, Anchor: r.Anchor, Policy: r.Policy, Time: r.Time.UnixNano(), Done: r.Done}
	for _, name := range r.Segments {
		first, _ := wal.ParseSegmentName(name)
		out.Segments = append(out.Segments, first)
	}
	return out
}

// sameRemoval reports whether a and b record the same removal.
func sameRemoval(a, b *Removal) bool {
	return a.First == b.First && a.Last == b.Last && a.Anchor == b.Anchor && a.Policy == b.Policy &&
		a.Time.Equal(b.Time) && slices.Equal(a.Segments, b.Segments)
}

// joinPolicies joins the retention limits that removed segments.
func joinPolicies(ps []string) string { return strings.Join(ps, ",") }
