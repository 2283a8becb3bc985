package llog

import (
	"strings"
	"testing"
	"time"

	"github.com/lowlightlog/llog/chain"
	"golang.org/x/mod/sumdb/tlog"
)

// FuzzParseCheckpoint checks that any bytes parse or fail without panic,
// and that a checkpoint that parses says the same when written again.
func FuzzParseCheckpoint(f *testing.F) {
	f.Add([]byte(checkpointText("llog/00ff", 12, tlog.Hash{1}, chain.Digest{2}, time.Unix(1, 2))))
	f.Add([]byte(checkpointText("llog/00ff", 0, tlog.Hash{}, chain.Digest{}, time.Unix(0, 0)) + "\n— k AAAA\n"))
	f.Add([]byte("llog/x\n1\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCheckpoint(b)
		if err != nil {
			return
		}
		again, err := ParseCheckpoint([]byte(checkpointText(c.Origin, c.Size, c.Root, c.Head, c.Time)))
		if err != nil || again.Size != c.Size || again.Root != c.Root || again.Head != c.Head || !again.Time.Equal(c.Time) {
			t.Fatalf("%q parses as %+v, written again as %+v (%v)", b, c, again, err)
		}
	})
}

// FuzzCheckpointPayload checks the decoder of checkpoint frames.
func FuzzCheckpointPayload(f *testing.F) {
	ck, _ := newCheckpoint("llog/00ff", 5, tlog.Hash{3}, chain.Digest{4}, time.Unix(5, 0), nil)
	f.Add(appendCheckpointPayload(nil, []tlog.Hash{{1}, {2}}, ck), uint64(4))
	f.Add(appendCheckpointPayload(nil, nil, ck), uint64(6))
	f.Fuzz(func(t *testing.T, p []byte, first uint64) {
		fr, framed, c, err := parseCheckpointPayload(p, first)
		if err != nil {
			return
		}
		if framed && (fr.n != first-1 || len(fr.nodes) != frontierLen(first-1)) || c == nil {
			t.Fatalf("payload %x at seq %d: frontier %+v framed %v", p, first, fr, framed)
		}
	})
}

// FuzzVerifyProof checks that any document is refused or accepted without
// panic, and never accepted when it is not a proof.
func FuzzVerifyProof(f *testing.F) {
	f.Add([]byte(`{"format":"llog-proof/1","store_id":"00","record":{},"leaf_index":0,"tree_size":1,"inclusion":[],"checkpoint":"llog/00\n1\nAAAA\n"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := VerifyProof(doc, nil)
		if err == nil && (p.Record == nil || p.Checkpoint == nil || !strings.HasPrefix(p.Checkpoint.Origin, "llog/")) {
			t.Fatalf("accepted %q", doc)
		}
	})
}
