package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/canon"
	"github.com/spf13/pflag"
)

var proveCmd = &command{
	name:    "prove",
	summary: "prove one record is in the store, against a checkpoint",
	usage: `usage: llog prove --path DIR --seq N [--checkpoint FILE]

Prove writes one JSON document on stdout that convinces anyone holding the
verifier key that record N is in the store, without the other records: the
record (as 'llog export' writes it, so its hash recomputes from its members),
its RFC 6962 inclusion proof, and the checkpoint the proof is against: the
one in FILE (one kept off the device), or else the newest stored in the
store. Check it with 'llog verify-proof FILE --key PUB' or, without llog,
'python3 tools/llog_verify.py --proof FILE --key PUB'. FORMAT.md section 17
specifies the document.

Prove reads and verifies the whole store once.

Exit codes: 0 written, 1 the store does not extend the checkpoint (records
changed, removed or replaced), 2 usage error, 3 could not run (no store, no
such record, no checkpoint that covers it, I/O error).
`,
	define: func(flags *pflag.FlagSet) func(context.Context, *env, []string) error {
		var path, ckFile string
		var seq uint64
		flags.StringVar(&path, "path", "", "the store's folder `DIR` (required)")
		flags.Uint64Var(&seq, "seq", 0, "the record's sequence number `N` (required)")
		flags.StringVar(&ckFile, "checkpoint", "", "prove against the checkpoint in `FILE` instead of the newest in the store")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := requirePath(path); err != nil {
				return err
			}
			if seq == 0 {
				return usagef("--seq is required (a sequence number, from 1)")
			}
			var ck *llog.Checkpoint
			if ckFile != "" {
				c, err := readCheckpoint(ckFile)
				if err != nil {
					return err
				}
				ck = c
			}
			r, err := openReader(path)
			if err != nil {
				return err
			}
			defer r.Close()
			p, err := r.Prove(ctx, seq, ck)
			if errors.Is(err, llog.ErrNotExtended) {
				return &integrityError{msg: cleanMessage(err.Error())}
			}
			if err != nil {
				return err
			}
			return printJSON(e, p)
		}
	},
}

// readCheckpoint reads a checkpoint file: an error reading it is exit 3,
// a file that is not a checkpoint exit 2.
func readCheckpoint(path string) (*llog.Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ck, err := llog.ParseCheckpoint(b)
	if err != nil {
		return nil, usagef("--checkpoint %s: %v", path, cleanMessage(err.Error()))
	}
	return ck, nil
}

var verifyProofCmd = &command{
	name:    "verify-proof",
	summary: "check a proof from 'llog prove' with nothing but the verifier key",
	usage: `usage: llog verify-proof FILE --key PUB

Verify-proof checks a document written by 'llog prove' (FILE, or - for
standard input) without the store: the checkpoint is signed by the key in PUB
(from 'llog keygen'), the record's hash recomputes from its members, its seq
and its prev_hash, and the inclusion proof leads from that hash to the
checkpoint's Merkle root. It prints what was proven.

Exit codes: 0 the proof holds, 1 it does not (a changed record, a bad
signature, a proof that does not lead to the root), 2 usage error, 3 could
not run (a file cannot be read).
`,
	define: func(flags *pflag.FlagSet) func(context.Context, *env, []string) error {
		var key string
		flags.StringVar(&key, "key", "", "the verifier key file `PUB` (required)")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) != 1 {
				return usagef("want one proof FILE (or -), got %d arguments", len(args))
			}
			if key == "" {
				return usagef("--key is required")
			}
			v, err := loadKey(key, llog.LoadVerifier)
			if err != nil {
				return err
			}
			var doc []byte
			if args[0] == "-" {
				doc, err = io.ReadAll(e.stdin)
			} else {
				doc, err = os.ReadFile(args[0])
			}
			if err != nil {
				return err
			}
			p, err := llog.VerifyProof(doc, v)
			if err != nil {
				return &integrityError{msg: cleanMessage(err.Error())}
			}
			fmt.Fprintf(e.stdout, "ok: seq %d (hash %s) is record %d of the %d records of store %s in the checkpoint signed by %s at %s\n",
				p.Record.Seq, p.Record.Hash, p.Index+1, p.Checkpoint.Size, p.Checkpoint.StoreID(), v.Name(),
				p.Checkpoint.Time.Format(canon.TimeLayout))
			return nil
		}
	},
}
