package redact

import (
	"fmt"
	"os"
	"sort"
	"testing"
)

func TestZZHits(t *testing.T) {
	b, _ := os.ReadFile("testdata/chat.txt")
	s := string(b)
	r := Default()
	cnt := map[string]int{}
	calls := map[string]int{}
	for i := 0; i+3 <= len(s); i++ {
		for _, e := range r.kw.buckets[bucketHash(fold3(s, i))] {
			if hasPrefixFold(s[i:], e.kw) {
				cnt[e.kw]++
				for _, ru := range e.rules {
					calls[r.rules[ru].rule.ID]++
				}
			}
		}
		for _, e := range r.kw.twos {
			if hasPrefixFold(s[i:], e.kw) {
				cnt[e.kw]++
				for _, ru := range e.rules {
					calls[r.rules[ru].rule.ID]++
				}
			}
		}
	}
	type kv struct{ k string; v int }
	var a []kv
	for k, v := range cnt { a = append(a, kv{k, v}) }
	sort.Slice(a, func(i, j int) bool { return a[i].v > a[j].v })
	fmt.Println(len(s), "bytes; keyword hits:", a[:min(40, len(a))])
	a = a[:0]
	for k, v := range calls { a = append(a, kv{k, v}) }
	sort.Slice(a, func(i, j int) bool { return a[i].v > a[j].v })
	fmt.Println("rule calls:", a)
}
