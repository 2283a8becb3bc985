package redact_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lowlightlog/llog/internal/gen"
	"github.com/lowlightlog/llog/redact"
)

func TestZZPar(t *testing.T) {
	r := redact.Default()
	g := gen.New(1)
	m, _ := gen.MixNamed("dense")
	g.Use(m)
	var texts []string
	for range 512 {
		s := g.Next(1024)
		texts = append(texts, s.Prompt, s.Response)
	}
	run := func(par int) time.Duration {
		var wg sync.WaitGroup
		t0 := time.Now()
		for range par {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 40 {
					for _, s := range texts {
						r.RedactText(s)
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(t0)
	}
	for range 3 {
		a := run(1)
		b := run(2)
		fmt.Printf("1 goroutine %v; 2 goroutines (2x work) %v; speedup %.2f\n", a, b, 2*a.Seconds()/b.Seconds())
	}
}
