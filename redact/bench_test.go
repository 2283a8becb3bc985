package redact_test

import (
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/internal/gen"
	"github.com/lowlightlog/llog/redact"
)

func readTestdata(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// piiDense joins the corpus lines that contain PII.
func piiDense(tb testing.TB) string {
	var b strings.Builder
	for _, cl := range loadCorpus(tb) {
		if len(cl.want) > 0 {
			b.WriteString(cl.text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// digitsDense joins the corpus lines with seven or more digits, matches and
// hard negatives alike: phone numbers, cards, IBANs, SSNs, dates, versions,
// order numbers.
func digitsDense(tb testing.TB) string {
	var b strings.Builder
	for _, cl := range loadCorpus(tb) {
		if strings.Count(cl.text, "0")+strings.Count(cl.text, "1")+strings.Count(cl.text, "2")+
			strings.Count(cl.text, "3")+strings.Count(cl.text, "4")+strings.Count(cl.text, "5")+
			strings.Count(cl.text, "6")+strings.Count(cl.text, "7")+strings.Count(cl.text, "8")+
			strings.Count(cl.text, "9") >= 7 {
			b.WriteString(cl.text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// benchInputs are the texts of BenchmarkRedact:
//
//   - clean_chat: a 10 KB chat transcript with no PII (the common case).
//   - clean_short: one 200-byte chat message (per-call overhead).
//   - pii_dense: the corpus lines that contain PII, one match every ~60 bytes.
//   - code_64KiB: a 64 KiB mix of Go, Python, YAML and logs with a few
//     secrets and many IP addresses.
//   - digits_dense: the corpus lines with seven or more digits (numbers
//     to redact and numbers to leave alone).
func benchInputs(tb testing.TB) []struct{ name, text string } {
	chat := readTestdata(tb, "chat.txt")
	return []struct{ name, text string }{
		{"clean_chat", chat},
		{"clean_short", chat[:200]},
		{"pii_dense", piiDense(tb)},
		{"code_64KiB", readTestdata(tb, "code_64k.txt")},
		{"digits_dense", digitsDense(tb)},
	}
}

// BenchmarkRedact also reports cpu-MB/s: throughput per CPU second of the
// benchmark's thread (on Linux), which stays meaningful when other work
// shares the machine and MB/s (per wall-clock second) does not.
func BenchmarkRedact(b *testing.B) {
	r := redact.Default()
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.SetBytes(int64(len(in.text)))
			b.ReportAllocs()
			cpu0, ok := threadCPUTime()
			n := 0
			for b.Loop() {
				r.Redact(in.text)
				n++
			}
			if cpu1, _ := threadCPUTime(); ok && cpu1 > cpu0 {
				b.ReportMetric(float64(n*len(in.text))/(cpu1-cpu0).Seconds()/1e6, "cpu-MB/s")
			}
		})
	}
}

// BenchmarkRule runs each default rule alone over the code and chat inputs,
// to find the expensive ones.
func BenchmarkRule(b *testing.B) {
	inputs := benchInputs(b)
	for _, rule := range redact.DefaultRules() {
		r, err := redact.New(rule)
		if err != nil {
			b.Fatal(err)
		}
		for _, in := range inputs {
			if in.name != "clean_chat" && in.name != "code_64KiB" {
				continue
			}
			b.Run(rule.ID+"/"+in.name, func(b *testing.B) {
				b.SetBytes(int64(len(in.text)))
				b.ReportAllocs()
				for b.Loop() {
					r.Redact(in.text)
				}
			})
		}
	}
}

// BenchmarkRedactRecords redacts the prompts and responses of 1 KiB chat
// records, one text per call as the engine does, in the generator's text
// mixes: none (no personal data), email (one e-mail address per 2.5
// records), dense (five matches per record) and default (one record in
// five with one match). It reports cpu-MB/s like BenchmarkRedact.
func BenchmarkRedactRecords(b *testing.B) {
	r := redact.Default()
	for _, mix := range gen.Mixes {
		g := gen.New(1)
		g.Use(mix)
		var texts []string
		size := 0
		for range 512 {
			s := g.Next(1024)
			texts = append(texts, s.Prompt, s.Response)
			size += len(s.Prompt) + len(s.Response)
		}
		b.Run(mix.Name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu0, ok := threadCPUTime()
			n := 0
			for b.Loop() {
				for _, t := range texts {
					r.Redact(t)
				}
				n++
			}
			if cpu1, _ := threadCPUTime(); ok && cpu1 > cpu0 {
				b.ReportMetric(float64(n*size)/(cpu1-cpu0).Seconds()/1e6, "cpu-MB/s")
			}
		})
	}
}
