package llog

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/internal/canon"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// A checkpoint is a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint):
// a signed note (golang.org/x/mod/sumdb/note) whose text is
//
//	llog/000102030405060708090a0b0c0d0e0f            origin: "llog/" + the store id
//	4096                                             tree size: records since genesis
//	bdl4KmN6qPx6bB0aEdLSWV8/ZV/kjGZ8/0R0dwvSF7Q=     RFC 6962 root, base64
//	head 9f2c…41                                     extension: digest of record 4096
//	time 2026-01-02T03:04:05.000000006Z              extension: when it was made
//
// followed, when the writer has a key, by a blank line and one signature
// line "— NAME BASE64" (NAME the key's name). Without a key the checkpoint
// is the text alone. The origin derives from the store id, so a checkpoint
// of one store never passes for another's; the tree size is the last
// sequence number, since sequence numbers start at 1 and are never reused,
// and retention removes records without renumbering.

// Checkpoint is a tree head of a store: how many records it held, the
// Merkle root over their chain digests, the chain head, and the note that
// carries them (signed when the writer had a key).
type Checkpoint struct {
	// Origin is "llog/" followed by the store id.
	Origin string
	// Size is the number of records since genesis: the last sequence
	// number covered.
	Size uint64
	// Root is the RFC 6962 Merkle root of the records' chain digests.
	Root tlog.Hash
	// Head is the chain digest of record Size (the genesis digest when
	// Size is 0).
	Head chain.Digest
	// Time is when the writer made the checkpoint (its clock).
	Time time.Time
	// Note is the checkpoint as written: the text, then the signature
	// lines when it is signed.
	Note []byte
}

// Errors about checkpoints.
var (
	// ErrBadCheckpoint is returned for text that is not a checkpoint of
	// this format.
	ErrBadCheckpoint = errors.New("llog: malformed checkpoint")
	// ErrCheckpointSignature is returned when a checkpoint is not signed by
	// the key it is checked with (unsigned, signed by another key, or a
	// signature that does not verify).
	ErrCheckpointSignature = errors.New("llog: checkpoint signature does not verify")
	// ErrNotExtended is returned when a store does not extend a checkpoint:
	// it is another store's, holds fewer records, or its Merkle tree is not
	// an extension of the checkpoint's (records were changed or replaced).
	ErrNotExtended = errors.New("llog: store does not extend the checkpoint")
	// ErrProof is returned when a proof does not verify.
	ErrProof = errors.New("llog: proof does not verify")
)

// originPrefix starts the origin line of every llog checkpoint.
const originPrefix = "llog/"

// checkpointOrigin returns the origin of the store with the given id.
func checkpointOrigin(storeID string) string { return originPrefix + storeID }

// checkpointText returns the note text of a checkpoint.
func checkpointText(origin string, size uint64, root tlog.Hash, head chain.Digest, t time.Time) string {
	var b strings.Builder
	b.WriteString(origin)
	b.WriteByte('\n')
	b.WriteString(strconv.FormatUint(size, 10))
	b.WriteByte('\n')
	b.WriteString(base64.StdEncoding.EncodeToString(root[:]))
	b.WriteString("\nhead ")
	b.WriteString(head.String())
	b.WriteString("\ntime ")
	b.WriteString(t.UTC().Format(canon.TimeLayout))
	b.WriteByte('\n')
	return b.String()
}

// newCheckpoint makes a checkpoint, signed by signer when it is not nil.
func newCheckpoint(origin string, size uint64, root tlog.Hash, head chain.Digest, t time.Time, signer note.Signer) (*Checkpoint, error) {
	text := checkpointText(origin, size, root, head, t)
	c := &Checkpoint{Origin: origin, Size: size, Root: root, Head: head, Time: t.UTC().Round(0), Note: []byte(text)}
	if signer == nil {
		return c, nil
	}
	msg, err := note.Sign(&note.Note{Text: text}, signer)
	if err != nil {
		return c, fmt.Errorf("sign checkpoint %d: %w", size, err)
	}
	c.Note = msg
	return c, nil
}

// ParseCheckpoint decodes a checkpoint, signed or not, without checking
// its signatures (see Checkpoint.Verify).
func ParseCheckpoint(b []byte) (*Checkpoint, error) {
	text := b
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		text = b[:i+1]
	}
	bad := func(format string, args ...any) (*Checkpoint, error) {
		return nil, fmt.Errorf("%w: %s", ErrBadCheckpoint, fmt.Sprintf(format, args...))
	}
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return bad("no final newline")
	}
	lines := strings.Split(string(text[:len(text)-1]), "\n")
	if len(lines) < 3 {
		return bad("%d lines, want at least origin, size and root", len(lines))
	}
	c := &Checkpoint{Origin: lines[0], Note: append([]byte(nil), b...)}
	if !strings.HasPrefix(c.Origin, originPrefix) {
		return bad("origin %q is not an llog store's", c.Origin)
	}
	size, err := strconv.ParseUint(lines[1], 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != lines[1] {
		return bad("tree size %q", lines[1])
	}
	c.Size = size
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return bad("root hash %q", lines[2])
	}
	copy(c.Root[:], root)
	var haveHead, haveTime bool
	for _, l := range lines[3:] {
		key, val, _ := strings.Cut(l, " ")
		switch {
		case l == "":
			return bad("empty extension line")
		case key == "head" && !haveHead:
			d, err := chain.Parse(val)
			if err != nil {
				return bad("head %q", val)
			}
			c.Head, haveHead = d, true
		case key == "time" && !haveTime:
			t, err := time.Parse(time.RFC3339Nano, val)
			if err != nil {
				return bad("time %q", val)
			}
			c.Time, haveTime = t.UTC(), true
		}
	}
	if !haveHead || !haveTime {
		return bad("no head or time line")
	}
	return c, nil
}

// StoreID returns the store id the checkpoint's origin names.
func (c *Checkpoint) StoreID() string { return strings.TrimPrefix(c.Origin, originPrefix) }

// Text returns the checkpoint's note text, without signatures.
func (c *Checkpoint) Text() string {
	if i := bytes.Index(c.Note, []byte("\n\n")); i >= 0 {
		return string(c.Note[:i+1])
	}
	return string(c.Note)
}

// Signed reports whether the checkpoint carries signature lines.
func (c *Checkpoint) Signed() bool { return bytes.Contains(c.Note, []byte("\n\n")) }

// Verify checks that the checkpoint is signed by v's key. It returns an
// error matching ErrCheckpointSignature when it is not.
func (c *Checkpoint) Verify(v note.Verifier) error {
	n, err := note.Open(c.Note, note.VerifierList(v))
	if err != nil {
		return fmt.Errorf("%w: key %s: %v", ErrCheckpointSignature, v.Name(), err)
	}
	if n.Text != c.Text() {
		return fmt.Errorf("%w: signed text differs", ErrCheckpointSignature)
	}
	return nil
}

// checkpointPayload is the payload of a checkpoint frame:
//
//	+------+----------------------------+------------------------------+
//	| n u8 | n × 32 bytes: frontier     | the checkpoint note          |
//	+------+----------------------------+------------------------------+
//
// The frontier is the Merkle tree before the frame's batch (of first-1
// leaves, first the batch's first sequence number): the roots of its
// perfect subtrees, largest first: n = the number of bits set in first-1.
// Only the first batch of a segment carries the frontier; the others have
// n = 0 (the same thing when first is 1). With it a reader continues the
// tree from the segment's start without the records before it, which
// retention may have removed. Part of the on-disk format (FORMAT.md,
// section 17): never change it.
func appendCheckpointPayload(dst []byte, before []tlog.Hash, c *Checkpoint) []byte {
	dst = append(dst, byte(len(before)))
	for _, h := range before {
		dst = append(dst, h[:]...)
	}
	return append(dst, c.Note...)
}

// parseCheckpointPayload decodes a checkpoint frame's payload, for a batch
// whose first sequence number is first. ok reports whether the frame holds
// the frontier before the batch.
func parseCheckpointPayload(p []byte, first uint64) (f frontier, ok bool, c *Checkpoint, err error) {
	if len(p) < 1 || first == 0 {
		return frontier{}, false, nil, fmt.Errorf("%w: empty checkpoint frame", ErrBadCheckpoint)
	}
	n := int(p[0])
	if want := frontierLen(first - 1); (n != want && n != 0) || len(p) < 1+n*tlog.HashSize {
		return frontier{}, false, nil, fmt.Errorf("%w: checkpoint frame of a batch at seq %d holds %d frontier hashes, want %d", ErrBadCheckpoint, first, n, want)
	}
	f = frontier{n: first - 1, nodes: make([]tlog.Hash, n)}
	for i := range f.nodes {
		copy(f.nodes[i][:], p[1+i*tlog.HashSize:])
	}
	c, err = ParseCheckpoint(p[1+n*tlog.HashSize:])
	if err != nil {
		return frontier{}, false, nil, err
	}
	return f, n == frontierLen(first-1), c, nil
}

// LoadSigner reads a signer key file, as 'llog keygen' writes it (the
// note package's "PRIVATE+KEY+NAME+HASH+KEY" text), for Options.Signer.
// Keep that file off the store's filesystem: anyone who can read it can
// sign checkpoints for a rewritten store.
func LoadSigner(path string) (note.Signer, error) {
	return loadKey(path, "signer", note.NewSigner)
}

// LoadVerifier reads a verifier key file, as 'llog keygen' writes it
// ("NAME+HASH+KEY").
func LoadVerifier(path string) (note.Verifier, error) {
	return loadKey(path, "verifier", note.NewVerifier)
}

// loadKey reads a key file and decodes it with parse.
func loadKey[K any](path, what string, parse func(string) (K, error)) (K, error) {
	var k K
	b, err := os.ReadFile(path)
	if err != nil {
		return k, fmt.Errorf("llog: read %s key: %w", what, err)
	}
	if k, err = parse(strings.TrimSpace(string(b))); err != nil {
		return k, fmt.Errorf("llog: %s key %s: %w", what, path, err)
	}
	return k, nil
}
