package llog_test

import (
	"slices"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
)

func TestQueryFilters(t *testing.T) {
	e, dir := open(t, &llog.Options{DisableRedaction: true})
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range 20 {
		in := inf(i)
		in.Time = base.Add(time.Duration(i) * time.Hour)
		if i == 10 {
			in.Time = base.AddDate(-1, 0, 0) // the clock jumped back a year
		}
		e.Log(ctx, in)
	}
	e.Flush(ctx)
	r, err := llog.OpenReader(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	seqs := func(f llog.Filter) []uint64 {
		var out []uint64
		for rec, err := range r.Query(ctx, f) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, rec.Seq)
		}
		return out
	}
	tests := []struct {
		name string
		f    llog.Filter
		want []uint64
	}{
		{"all", llog.Filter{}, []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}},
		{"limit", llog.Filter{Limit: 3}, []uint64{1, 2, 3}},
		{"reverse limit", llog.Filter{Reverse: true, Limit: 3}, []uint64{20, 19, 18}},
		{"model", llog.Filter{Models: []string{"llama-3.2-3b"}, Limit: 4}, []uint64{2, 4, 6, 8}},
		{"since until", llog.Filter{Since: base.Add(15 * time.Hour), Until: base.Add(18 * time.Hour)}, []uint64{16, 17, 18}},
		{"clock jumped back", llog.Filter{Until: base}, []uint64{11}},
		{"after seq", llog.Filter{AfterSeq: 17}, []uint64{18, 19, 20}},
	}
	for _, tt := range tests {
		if got := seqs(tt.f); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	// The engine sees the same.
	n := 0
	for _, err := range e.Query(ctx, llog.Filter{Models: []string{"phi-3-mini"}}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 10 {
		t.Fatalf("engine query: %d records", n)
	}
	// Scan reads everything and reports on the chain.
	var got []uint64
	rep, err := r.Scan(ctx, llog.Filter{Models: []string{"phi-3-mini"}, Limit: 1}, func(rec *llog.Record) error {
		got = append(got, rec.Seq)
		return nil
	})
	if err != nil || !rep.OK || rep.Records != 20 || len(got) != 10 {
		t.Fatalf("scan: %v %+v %v", err, rep, got)
	}
}

func TestOpenReaderErrors(t *testing.T) {
	if _, err := llog.OpenReader(t.TempDir()); err == nil {
		t.Fatal("OpenReader on an empty folder succeeded")
	}
}
