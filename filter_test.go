package llog_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
)

// querySeed returns the seed of a randomized query test: LLOG_QUERY_SEED,
// or a new one.
func querySeed(t *testing.T) uint64 { return envSeed(t, "LLOG_QUERY_SEED") }

// naiveMatch is the filter's documented meaning, written out plainly: the
// oracle the property test holds the real predicates to.
func naiveMatch(f llog.Filter, r llog.Record) bool {
	if r.Seq <= f.AfterSeq {
		return false
	}
	if !f.Since.IsZero() && r.Time.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !r.Time.Before(f.Until) {
		return false
	}
	return len(f.Models) == 0 || slices.Contains(f.Models, r.Model)
}

// naiveQuery applies f to every record of a store, oldest first.
func naiveQuery(f llog.Filter, all []llog.Record) []llog.Record {
	var out []llog.Record
	for _, r := range all {
		if naiveMatch(f, r) {
			out = append(out, r)
		}
	}
	if f.Reverse {
		slices.Reverse(out)
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out
}

var propModels = []string{"phi-3-mini", "llama-3.2-3b", "qwen2.5-1.5b", "gemma-2-2b", "rare"}

// randomTime returns a record time: mostly a walk forward, with jumps back
// and ahead, to 1970, and to the edges of what a record can hold.
func randomTime(r *rand.Rand, prev time.Time) time.Time {
	switch r.IntN(20) {
	case 0:
		return prev.AddDate(0, -r.IntN(12)-1, 0)
	case 1:
		return prev.AddDate(r.IntN(3), 0, 0)
	case 2:
		return time.Unix(int64(r.IntN(1e6)), 0)
	case 3:
		return time.Unix(0, -1<<63+int64(r.IntN(1000))) // the earliest times
	case 4:
		return time.Unix(0, 1<<63-1-int64(r.IntN(1000))) // the latest
	}
	return prev.Add(time.Duration(r.Int64N(int64(time.Hour))))
}

// randomFilter draws a filter whose bounds often sit exactly on, or one
// nanosecond around, a record's time, and sometimes far outside what a
// record can hold.
func randomFilter(r *rand.Rand, all []llog.Record) llog.Filter {
	var f llog.Filter
	bound := func() time.Time {
		switch r.IntN(8) {
		case 0, 1:
			return time.Time{}
		case 2:
			return time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC) // before every record
		case 3:
			return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) // after every record
		}
		t := all[r.IntN(len(all))].Time
		switch r.IntN(4) {
		case 0:
			return t.Add(-1)
		case 1:
			return t.Add(1)
		}
		return t
	}
	f.Since, f.Until = bound(), bound()
	if r.IntN(5) == 0 && !f.Since.IsZero() && !f.Until.IsZero() && f.Until.Before(f.Since) {
		f.Since, f.Until = f.Until, f.Since
	}
	switch r.IntN(4) {
	case 0:
		f.Models = []string{propModels[r.IntN(len(propModels))]}
	case 1:
		f.Models = []string{propModels[r.IntN(len(propModels))], propModels[r.IntN(len(propModels))], "no-such-model"}
	}
	if r.IntN(3) == 0 {
		f.AfterSeq = uint64(r.IntN(len(all) + 5))
	}
	if r.IntN(3) == 0 {
		f.Limit = 1 + r.IntN(60)
	}
	f.Reverse = r.IntN(2) == 0
	return f
}

// TestQueryProperty checks on random stores and random filters that an
// indexed query (Engine.Query: blocks in bbolt and in the builder), a plain
// scan (Reader.Query) and Filter.Match all give exactly what the filter's
// documented meaning selects, in order and up to the limit.
// LLOG_QUERY_SEED=<n> replays a run, at the same sizes: -short and the
// race detector (which looks for races, and finds none in more queries of
// the same kind) take the small ones, unless LLOG_QUERY_LONG=1.
func TestQueryProperty(t *testing.T) {
	seed := querySeed(t)
	r := rand.New(rand.NewPCG(seed, 11))
	stores, filters, records := 4, 300, 600
	if (testing.Short() || raceEnabled) && os.Getenv("LLOG_QUERY_LONG") != "1" {
		stores, filters, records = 2, 150, 300
	}
	t.Logf("%d stores, %d filters each, %d to %d records", stores, filters, records/2, records*3/2-1)
	for s := range stores {
		opts := llog.Options{
			DisableRedaction:  true,
			SegmentSize:       int64(4096 + r.IntN(16<<10)),
			CheckpointRecords: 5 + r.IntN(200),
		}
		e, dir := open(t, &opts)
		n := records/2 + r.IntN(records)
		tm := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			tm = randomTime(r, tm)
			in := inf(i)
			in.Time = tm
			in.Model = propModels[r.IntN(len(propModels)-1)]
			if r.IntN(50) == 0 {
				in.Model = "rare"
			}
			if err := e.Log(ctx, in); err != nil {
				t.Fatal(err)
			}
			if r.IntN(20) == 0 {
				e.Flush(ctx)
			}
		}
		if err := e.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if r.IntN(2) == 0 {
			// Everything in bbolt, read back after a reopen.
			e.Close()
			var err error
			if e, err = llog.Open(dir, &opts); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { e.Close() })
		}
		if st := e.Stats(); st.IndexErr != nil || st.LastSeq != uint64(n) {
			t.Fatalf("store %d: %d records, index %v", s, st.LastSeq, st.IndexErr)
		}
		all, rep, err := llog.ReadAll(dir)
		if err != nil || !rep.OK || len(all) != n {
			t.Fatalf("store %d: read %d of %d: %v %+v", s, len(all), n, err, rep)
		}
		rd, err := llog.OpenReader(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range all {
			f := randomFilter(r, all)
			if got, want := f.Match(&rec), naiveMatch(f, rec); got != want {
				t.Fatalf("store %d: Match(%+v) of seq %d at %v = %v, want %v", s, f, rec.Seq, rec.Time, got, want)
			}
		}
		for i := range filters {
			f := randomFilter(r, all)
			want := naiveQuery(f, all)
			for _, q := range []struct {
				name string
				got  []llog.Record
			}{
				{"indexed", collect(t, e.Query(ctx, f))},
				{"scan", collect(t, rd.Query(ctx, f))},
			} {
				if msg := sameRecords(q.got, want); msg != "" {
					t.Fatalf("store %d (segment size %d, checkpoint every %d), filter %d %+v: %s query: %s",
						s, opts.SegmentSize, opts.CheckpointRecords, i, f, q.name, msg)
				}
			}
		}
	}
}

// sameRecords describes how got differs from want, or returns "".
func sameRecords(got, want []llog.Record) string {
	if !slices.Equal(seqsOf(got), seqsOf(want)) {
		return fmt.Sprintf("%d records %v..., want %d %v...", len(got), head(seqsOf(got)), len(want), head(seqsOf(want)))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Hash != w.Hash || g.PrevHash != w.PrevHash || !g.Time.Equal(w.Time) || g.Model != w.Model || g.Prompt != w.Prompt {
			return fmt.Sprintf("record %d differs:\n got  %+v\n want %+v", g.Seq, g, w)
		}
	}
	return ""
}
