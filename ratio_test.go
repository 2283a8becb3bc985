package llog_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/lowlightlog/llog"
)

func TestRatioTmp(t *testing.T) {
	if os.Getenv("RATIO") == "" {
		t.Skip()
	}
	const size, batch, n = 1024, 512, 150000
	infs := samples(4096, size)
	raw := make([][]byte, len(infs))
	for i, inf := range infs {
		raw[i] = []byte(inf.Prompt + inf.Response)
	}
	var ratios []float64
	for round := 0; round < 4; round++ {
		dir := t.TempDir()
		b := &testing.B{}
		t0 := time.Now()
		plainLoop(b, filepath.Join(dir, "p"), raw, n, batch)
		plain := time.Since(t0)
		e, _ := llog.Open(filepath.Join(dir, "s"), &llog.Options{DisableRedaction: true})
		ctx := context.Background()
		t0 = time.Now()
		for i := 0; i < n; i++ {
			e.Log(ctx, infs[i%len(infs)])
		}
		e.Flush(ctx)
		ll := time.Since(t0)
		e.Close()
		r := plain.Seconds() / ll.Seconds()
		ratios = append(ratios, r)
		t.Logf("plain %.0f rec/s llog %.0f rec/s ratio %.2f", n/plain.Seconds(), n/ll.Seconds(), r)
	}
	sort.Float64s(ratios)
	t.Logf("median ratio %.2f", ratios[len(ratios)/2])
}
