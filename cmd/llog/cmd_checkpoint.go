package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/lowlightlog/llog"
	"github.com/spf13/pflag"
)

var checkpointCmd = &command{
	name:    "checkpoint",
	summary: "print the newest checkpoint of a store",
	usage: `usage: llog checkpoint --path DIR

Checkpoint prints the newest checkpoint stored in the store's segments, as it
was written: a C2SP tlog-checkpoint (origin "llog/<store id>", the number of
records since the store began, the base64 Merkle root of their chain digests,
then "head <digest of the last record>" and "time <when>"), followed by its
signature line when the writer had a key (--key). Copy it off the device:
'llog verify --checkpoint' later proves the store still holds everything the
checkpoint covered, unchanged.

Exit codes: 0 printed, 2 usage error, 3 could not run (no store, no
checkpoint yet, I/O error).
`,
	define: func(flags *pflag.FlagSet) func(context.Context, *env, []string) error {
		var path string
		flags.StringVar(&path, "path", "", "the store's folder `DIR` (required)")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := requirePath(path); err != nil {
				return err
			}
			r, err := openReader(path)
			if err != nil {
				return err
			}
			defer r.Close()
			ck, err := r.Checkpoint(ctx)
			if errors.Is(err, llog.ErrNoCheckpoint) {
				return fmt.Errorf("%s holds no checkpoint yet (a writer makes the first one with its first batch): %w", path, err)
			}
			if err != nil {
				return err
			}
			if _, err := e.stdout.Write(ck.Note); err != nil {
				return fmt.Errorf("write: %w", err)
			}
			return nil
		}
	},
}
