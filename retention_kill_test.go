package llog_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/hooks"
)

const retentionKillEnv = "LLOG_TEST_RETENTION_KILL"

func retentionOptions() *llog.Options {
	return &llog.Options{DisableRedaction: true, SegmentSize: 8 << 10, MaxBatchRecords: 4,
		Retention: llog.Retention{MaxBytes: 24 << 10}}
}

// retentionKiller is the child of TestKillDuringRetention. spec is
// "dir|point|n": it writes records until the n-th time the hook point
// fires, and SIGKILLs itself there.
func retentionKiller(spec string) {
	parts := strings.Split(spec, "|")
	dir, point := parts[0], parts[1]
	n, _ := strconv.Atoi(parts[2])
	var fired atomic.Int64
	hooks.Set(func(p string) {
		if p == point && fired.Add(1) == int64(n) {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Hour)
		}
	})
	e, err := llog.Open(dir, retentionOptions())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		if _, err := e.LogSync(ctx, bigInf(i, time.Now())); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
	}
}

// TestKillDuringRetention kills a writer between each step of retention
// (recorded in the log, recorded in the index, file unlinked, directory
// synced) and checks that the next Open finishes the removal and the store
// verifies from the recorded anchor, with no segment missing without a
// record, with the index and without it.
func TestKillDuringRetention(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	for _, point := range []string{hooks.RetentionAfterFrame, hooks.RetentionAfterRecord, hooks.RetentionAfterUnlink, hooks.RetentionAfterDirSync,
		hooks.IndexBeforeCheckpoint, hooks.IndexAfterCheckpoint} {
		for _, n := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/%d", point, n), func(t *testing.T) {
				dir := filepath.Join(t.TempDir(), "store")
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), retentionKillEnv+"="+dir+"|"+point+"|"+strconv.Itoa(n))
				out, err := cmd.CombinedOutput()
				if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
					t.Fatalf("child did not die at %s: %v %s", point, err, out)
				}
				// The store as the kill left it may have a recorded removal
				// whose files are still there: that verifies too.
				mustVerify(t, dir)
				e, err := llog.Open(dir, retentionOptions())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.LogSync(ctx, bigInf(1, time.Now())); err != nil {
					t.Fatal(err)
				}
				if err := e.Close(); err != nil {
					t.Fatal(err)
				}
				rep := mustVerify(t, dir)
				// The log alone tells retention from tampering.
				noIndex := copyStore(t, dir)
				os.Remove(filepath.Join(noIndex, "index.db"))
				os.Remove(filepath.Join(noIndex, "index.snap"))
				if alone := mustVerify(t, noIndex); alone.Anchor != rep.Anchor || alone.FirstSeq != rep.FirstSeq {
					t.Fatalf("without the index: anchor %v first %d; with it %v %d", alone.Anchor, alone.FirstSeq, rep.Anchor, rep.FirstSeq)
				}
				for _, r := range rep.Removed {
					if !r.Done {
						t.Fatalf("removal %+v not finished by Open", r)
					}
					for _, s := range r.Segments {
						if _, err := os.Stat(filepath.Join(dir, s)); err == nil {
							t.Fatalf("removed segment %s still there", s)
						}
					}
				}
				if strings.HasPrefix(point, "retention") && len(rep.Removed) == 0 {
					t.Fatalf("no removal recorded")
				}
			})
		}
	}
}
