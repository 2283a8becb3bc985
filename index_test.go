package llog_test

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/index"
	"github.com/lowlightlog/llog/internal/vfs"
	bolt "go.etcd.io/bbolt"
)

// clockJumps gives record i a time that mostly moves forward by a minute
// but jumps back and forward by months, as a Pi clock does before and after
// NTP syncs.
func clockJumps(i int) time.Time {
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	switch {
	case i%500 >= 100 && i%500 < 150:
		return base.AddDate(0, -4, 0) // back four months
	case i%500 >= 300 && i%500 < 320:
		return time.Unix(int64(i), 0).UTC() // 1970
	case i%700 == 0:
		return base.AddDate(0, 7, 0) // a single reading seven months ahead
	}
	return base
}

var models = []string{"phi-3-mini", "llama-3.2-3b", "qwen2.5-1.5b", "gemma-2-2b", "rare-model"}

func indexedInf(i int) llog.Inference {
	in := inf(i)
	in.Model = models[i%4]
	if i%97 == 0 {
		in.Model = models[4]
	}
	in.Time = clockJumps(i)
	return in
}

// writeIndexed writes n records through an engine with frequent
// checkpoints and small segments and returns the open engine.
func writeIndexed(t *testing.T, n int, opts llog.Options) (*llog.Engine, string) {
	t.Helper()
	opts.DisableRedaction = true
	if opts.SegmentSize == 0 {
		opts.SegmentSize = 64 << 10
	}
	if opts.CheckpointRecords == 0 {
		opts.CheckpointRecords = 300
	}
	e, dir := open(t, &opts)
	for i := range n {
		if err := e.Log(ctx, indexedInf(i)); err != nil {
			t.Fatal(err)
		}
		if i%250 == 0 {
			e.Flush(ctx)
		}
	}
	if err := e.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return e, dir
}

func collect(t *testing.T, seq func(yield func(llog.Record, error) bool)) []llog.Record {
	t.Helper()
	var out []llog.Record
	for r, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func seqsOf(rs []llog.Record) []uint64 {
	var out []uint64
	for _, r := range rs {
		out = append(out, r.Seq)
	}
	return out
}

func queryFilters() map[string]llog.Filter {
	may := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	return map[string]llog.Filter{
		"all":                 {},
		"limit":               {Limit: 17},
		"reverse":             {Reverse: true},
		"reverse limit":       {Reverse: true, Limit: 33},
		"model":               {Models: []string{"llama-3.2-3b"}},
		"rare model":          {Models: []string{"rare-model"}},
		"two models reverse":  {Models: []string{"rare-model", "gemma-2-2b"}, Reverse: true, Limit: 50},
		"unknown model":       {Models: []string{"nope"}},
		"since until":         {Since: may.Add(3 * time.Hour), Until: may.Add(9 * time.Hour)},
		"clock went back":     {Until: may},
		"1970":                {Until: time.Unix(1e6, 0)},
		"months ahead":        {Since: may.AddDate(0, 6, 0)},
		"after seq":           {AfterSeq: 1234},
		"after seq reverse":   {AfterSeq: 1234, Reverse: true, Limit: 10},
		"model and time":      {Models: []string{"phi-3-mini"}, Since: may.Add(time.Hour), Until: may.Add(20 * time.Hour), Limit: 40},
		"model time reversed": {Models: []string{"phi-3-mini", "qwen2.5-1.5b"}, Since: may.Add(time.Hour), Reverse: true, Limit: 40},
	}
}

// checkQueriesMatchScan runs every filter through the engine (index) and
// a reader (plain scan) and requires the same records.
func checkQueriesMatchScan(t *testing.T, e *llog.Engine, dir string) {
	t.Helper()
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range queryFilters() {
		got := collect(t, e.Query(ctx, f))
		want := collect(t, r.Query(ctx, f))
		if !slices.Equal(seqsOf(got), seqsOf(want)) {
			t.Errorf("%s: index gives %d records %v..., scan %d %v...", name, len(got), head(seqsOf(got)), len(want), head(seqsOf(want)))
			continue
		}
		for i := range got {
			if got[i].Hash != want[i].Hash || got[i].PrevHash != want[i].PrevHash || got[i].Prompt != want[i].Prompt ||
				!got[i].Time.Equal(want[i].Time) || got[i].Model != want[i].Model {
				t.Errorf("%s: record %d differs:\n index %+v\n scan  %+v", name, got[i].Seq, got[i], want[i])
				break
			}
		}
	}
}

func head(s []uint64) []uint64 { return s[:min(len(s), 8)] }

func TestIndexedQueryMatchesScan(t *testing.T) {
	e, dir := writeIndexed(t, 3000, llog.Options{})
	checkQueriesMatchScan(t, e, dir)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// And from bbolt alone after a reopen.
	var ev events
	e2, err := llog.Open(dir, &llog.Options{DisableRedaction: true, OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if n := len(ev.of(llog.EventIndexCaughtUp)); n != 0 {
		t.Fatalf("a cleanly closed index needed %d catch-ups", n)
	}
	checkQueriesMatchScan(t, e2, dir)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestIndexCatchUp puts back an index that stopped at a checkpoint, as a
// crash leaves it, and checks that Open reads just the records after its
// watermark.
func TestIndexCatchUp(t *testing.T) {
	e, dir := writeIndexed(t, 1000, llog.Options{})
	e.Close()
	saved := filepath.Join(t.TempDir(), "index.db")
	copyFile(t, filepath.Join(dir, "index.db"), saved)
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, SegmentSize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1000; i < 1700; i++ {
		e.Log(ctx, indexedInf(i))
	}
	e.Close()
	copyFile(t, saved, filepath.Join(dir, "index.db"))

	var ev events
	e, err = llog.Open(dir, &llog.Options{DisableRedaction: true, OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	up := ev.of(llog.EventIndexCaughtUp)
	if len(up) != 1 || up[0].Records != 700 || up[0].Rebuilt {
		t.Fatalf("catch-up events: %+v", up)
	}
	checkQueriesMatchScan(t, e, dir)
}

func TestIndexRebuild(t *testing.T) {
	e, dir := writeIndexed(t, 1200, llog.Options{})
	e.Close()
	other, otherDir := writeIndexed(t, 10, llog.Options{})
	other.Close()
	for name, damage := range map[string]func(){
		"deleted":         func() { os.Remove(filepath.Join(dir, "index.db")) },
		"another store's": func() { copyFile(t, filepath.Join(otherDir, "index.db"), filepath.Join(dir, "index.db")) },
		"garbage":         func() { os.WriteFile(filepath.Join(dir, "index.db"), []byte(strings.Repeat("junk", 5000)), 0o600) },
		// An index written by a build whose index format was one version
		// older (Merkle nodes keyed otherwise): rebuilt, never read.
		"an older version's": func() { setIndexVersion(t, filepath.Join(dir, "index.db"), index.Version-1) },
	} {
		t.Run(name, func(t *testing.T) {
			damage()
			var ev events
			e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, OnEvent: ev.add})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			up := ev.of(llog.EventIndexCaughtUp)
			if len(up) != 1 || up[0].Records != 1200 || !up[0].Rebuilt {
				t.Fatalf("rebuild events: %+v", up)
			}
			if f := ev.of(llog.EventIndexFailed); len(f) != 0 {
				t.Fatalf("index failed: %v", f[0].Err)
			}
			checkQueriesMatchScan(t, e, dir)
		})
	}
}

func TestIndexAheadOfLogIsRebuilt(t *testing.T) {
	// An index from a longer history than the segments (a store restored
	// from an older backup, with a newer index file) is rebuilt, after the
	// loss it shows is recorded in the log: verify reports it until a
	// repair accepts it, and new records take numbers after it.
	e, dir := writeIndexed(t, 400, llog.Options{})
	e.Close()
	backup := t.TempDir()
	names, _ := os.ReadDir(dir)
	for _, n := range names {
		if strings.HasSuffix(n.Name(), ".seg") {
			copyFile(t, filepath.Join(dir, n.Name()), filepath.Join(backup, n.Name()))
		}
	}
	e, _ = llog.Open(dir, &llog.Options{DisableRedaction: true})
	for i := 400; i < 900; i++ {
		e.Log(ctx, indexedInf(i))
	}
	e.Close()
	for _, n := range names {
		if strings.HasSuffix(n.Name(), ".seg") {
			copyFile(t, filepath.Join(backup, n.Name()), filepath.Join(dir, n.Name()))
		}
	}
	var ev events
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true, OnEvent: ev.add})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	up := ev.of(llog.EventIndexCaughtUp)
	if len(up) != 1 || !up[0].Rebuilt || up[0].Records != 400 {
		t.Fatalf("events: %+v", up)
	}
	if lost := ev.of(llog.EventRecordsLost); len(lost) != 1 || lost[0].Removed.First != 401 || lost[0].Removed.Last != 900 {
		t.Fatalf("records lost: %+v", lost)
	}
	checkQueriesMatchScan(t, e, dir)
	if r, err := e.LogSync(ctx, indexedInf(901)); err != nil || r.Seq != 901 {
		t.Fatalf("a record after the loss: seq %d %v", r.Seq, err)
	}
	e.Close()
	if rep, _ := llog.Verify(ctx, dir); rep.OK || !strings.Contains(rep.Breaks[0].Reason, "acknowledged records lost: 500 records, 401 to 900") {
		t.Fatalf("verify after a recorded loss: %+v", rep.Breaks)
	}
	if _, err := llog.Repair(ctx, dir); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, dir)
}

func TestQueryWhileWriting(t *testing.T) {
	e, _ := writeIndexed(t, 500, llog.Options{CheckpointRecords: 50})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 500; i < 5000; i++ {
			select {
			case <-stop:
				return
			default:
			}
			e.Log(ctx, indexedInf(i))
			if i%100 == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	}()
	for range 20 {
		before := e.Stats().LastSeq
		got := collect(t, e.Query(ctx, llog.Filter{}))
		if uint64(len(got)) < before {
			t.Fatalf("query saw %d records, %d were committed before it", len(got), before)
		}
		for i, r := range got {
			if r.Seq != uint64(i+1) || (i > 0 && r.PrevHash != got[i-1].Hash) {
				t.Fatalf("record %d: seq %d, chain does not link", i, r.Seq)
			}
		}
	}
	close(stop)
	wg.Wait()
}

func TestIndexDisabled(t *testing.T) {
	e, dir := writeIndexed(t, 300, llog.Options{DisableIndex: true})
	checkQueriesMatchScan(t, e, dir)
	e.Close()
	if _, err := os.Stat(filepath.Join(dir, "index.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("index file with the index disabled: %v", err)
	}
}

func TestIndexFailureFallsBack(t *testing.T) {
	var ev events
	e, dir := writeIndexed(t, 300, llog.Options{CheckpointRecords: 100, OnEvent: ev.add})
	llog.BreakIndex(e)
	for i := 300; i < 600; i++ {
		if err := e.Log(ctx, indexedInf(i)); err != nil {
			t.Fatal(err)
		}
	}
	e.Flush(ctx)
	waitFor(t, func() bool { return len(ev.of(llog.EventIndexFailed)) > 0 })
	if st := e.Stats(); st.IndexErr == nil || st.Err != nil {
		t.Fatalf("stats: index err %v, engine err %v", st.IndexErr, st.Err)
	}
	// Queries read the segments now and still see everything.
	checkQueriesMatchScan(t, e, dir)
	if got := collect(t, e.Query(ctx, llog.Filter{})); len(got) != 600 {
		t.Fatalf("query after index failure: %d records", len(got))
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close after an index failure: %v", err)
	}
	// Verify says the index is behind the log, and by how much.
	rep := mustVerify(t, dir)
	if x := rep.Index; !x.Checked || x.Mark >= 600 || x.Behind != 600-x.Mark {
		t.Fatalf("verify after an index failure: %+v", x)
	}
	// The next Open catches the index up.
	e, err := llog.Open(dir, &llog.Options{DisableRedaction: true})
	if err != nil {
		t.Fatal(err)
	}
	checkQueriesMatchScan(t, e, dir)
	e.Close()
	if x := mustVerify(t, dir).Index; x.Behind != 0 || x.Mark != 600 {
		t.Fatalf("verify after the catch-up: %+v", x)
	}
}

// TestIndexedQueryTinySegments reads blocks of consecutive small segments,
// where a block in the next segment starts at an offset the reader of the
// previous one has already passed.
func TestIndexedQueryTinySegments(t *testing.T) {
	opts := llog.Options{DisableRedaction: true, SegmentSize: 4096, CheckpointRecords: 7}
	e, dir := open(t, &opts)
	for i := range 300 {
		in := indexedInf(i)
		in.Response += strings.Repeat(" padding", 40*(i%5))
		e.Log(ctx, in)
		if i%3 == 0 {
			e.Flush(ctx)
		}
	}
	e.Flush(ctx)
	checkQueriesMatchScan(t, e, dir)
	e.Close()
	e, _ = llog.Open(dir, &opts)
	defer e.Close()
	checkQueriesMatchScan(t, e, dir)
}

// TestIndexBehindTheSeam runs the engine on ErrorFS over the operating
// system's filesystem: the index is on (the filesystem can hand bbolt an
// operating-system file), its files go through the seam (a fault on
// opening index.db reaches the engine as EventIndexFailed, the engine logs
// and queries without the index, and the next Open catches the kept file
// up), and Verify compares it.
func TestIndexBehindTheSeam(t *testing.T) {
	efs := vfs.NewErrorFS(vfs.Default)
	dir := filepath.Join(t.TempDir(), "store")
	opts := llog.WithFS(&llog.Options{DisableRedaction: true, CheckpointRecords: 50}, efs)
	e, err := llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if err := e.Log(ctx, indexedInf(i)); err != nil {
			t.Fatal(err)
		}
	}
	e.Flush(ctx)
	waitFor(t, func() bool { return e.Stats().Index.Mark >= 150 }) // checkpoints every 50 records
	if st := e.Stats(); st.IndexErr != nil || st.Index.FileBytes == 0 {
		t.Fatalf("index over ErrorFS: %+v, %v", st.Index, st.IndexErr)
	}
	checkQueriesMatchScan(t, e, dir)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := llog.VerifyFS(efs, dir)
	if err != nil || !rep.OK || !rep.Index.Checked || rep.Index.Mark != 200 {
		t.Fatalf("verify: %v %+v %+v", err, rep, rep.Index)
	}

	// bbolt's open of index.db goes through the seam.
	var ev events
	efs.Inject(vfs.Fault{Ops: vfs.OpOpen, Base: "index.db", Err: syscall.ENOSPC, Persistent: true})
	opts.OnEvent = ev.add
	e, err = llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	failed := ev.of(llog.EventIndexFailed)
	if len(failed) != 1 || !errors.Is(failed[0].Err, syscall.ENOSPC) {
		t.Fatalf("index failure events: %+v", failed)
	}
	if _, err := e.LogSync(ctx, indexedInf(200)); err != nil {
		t.Fatalf("log without the index: %v", err)
	}
	if got := collect(t, e.Query(ctx, llog.Filter{})); len(got) != 201 {
		t.Fatalf("query without the index: %d records", len(got))
	}
	e.Close()
	efs.Reset()
	ev = events{}
	e, err = llog.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// An I/O error says nothing about the file: it was kept, and this Open
	// catches it up with the record logged meanwhile.
	if caught := ev.of(llog.EventIndexCaughtUp); len(caught) != 1 || caught[0].Rebuilt || caught[0].Records != 1 {
		t.Fatalf("catch-up after the failure: %+v", caught)
	}
	checkQueriesMatchScan(t, e, dir)
}

// setIndexVersion rewrites the format version recorded in the index file
// at path, as an index written by another build of llog would hold.
func setIndexVersion(t *testing.T, path string, v uint64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("version"), binary.BigEndian.AppendUint64(nil, v))
	})
	if err != nil {
		t.Fatal(err)
	}
}
