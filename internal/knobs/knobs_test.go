package knobs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/knobs"
)

// TestNoCheckpoints: with the knob set a store is written without any
// checkpoint and still verifies; once it is cleared, the next Open writes
// checkpoints over every record again, the first ones included. (A test of
// its own package: the knob applies to the whole process.)
func TestNoCheckpoints(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(n int) *llog.Engine {
		t.Helper()
		e, err := llog.Open(dir, &llog.Options{DisableIndex: true})
		if err != nil {
			t.Fatal(err)
		}
		for range n {
			if err := e.Log(ctx, llog.Inference{Model: "m", Prompt: "p", Response: "r"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		return e
	}
	knobs.SetNoCheckpoints(true)
	e := write(10)
	knobs.SetNoCheckpoints(false)
	if ck := e.Checkpoint(); ck != nil {
		t.Fatalf("a checkpoint with the knob set: %s", ck.Note)
	}
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ck, err := r.Checkpoint(ctx); !errors.Is(err, llog.ErrNoCheckpoint) {
		t.Fatalf("checkpoint stored with the knob set: %v, %v", ck, err)
	}
	if rep, err := r.Verify(ctx); err != nil || !rep.OK {
		t.Fatalf("verify: %+v, %v", rep, err)
	}

	e = write(5)
	if ck := e.Checkpoint(); ck == nil || ck.Size != 15 {
		t.Fatalf("checkpoint after the knob is cleared: %+v", ck)
	}
	if ck, err := r.Checkpoint(ctx); err != nil || ck == nil || ck.Size != 15 {
		t.Fatalf("stored checkpoint after the knob is cleared: %+v, %v", ck, err)
	}
	if rep, err := r.Verify(ctx); err != nil || !rep.OK {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
}
