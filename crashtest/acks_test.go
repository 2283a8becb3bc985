package main

import (
	"strings"
	"testing"
)

const (
	hashA = "b90a2daf2e58948b3cfb49daa7a47f485d723a1437df636f3a822a9363bc6ce9"
	hashB = "2e17f222f347e822184907ddafc2ad9cb5ac11ced9a2500fd79ecc1cc492f95b"
)

func TestReadAcks(t *testing.T) {
	in := "open 7 0 " + hashA + "\n" +
		"hook commit-after-sync\n" +
		"ack 1 " + hashA + "\n" +
		"ack 3 " + hashB + "\n" +
		"kill rotate-after-rename 2\n" +
		"cut commit-after-sync 1\n" +
		"ack 9 " + hashB[:20] // cut off by the power cut: ignored
	a, err := readAcks(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if a.top != 3 || len(a.acks) != 2 || a.acks[3].String() != hashB {
		t.Errorf("acks %v, top %d", a.acks, a.top)
	}
	if len(a.opens) != 1 || a.opens[0].run != 7 || a.opens[0].lastSeq != 0 {
		t.Errorf("opens %+v", a.opens)
	}
	if a.kills["rotate-after-rename"] != 1 || a.cuts["commit-after-sync"] != 1 {
		t.Errorf("kills %v cuts %v", a.kills, a.cuts)
	}
}

func TestReadAcksRejects(t *testing.T) {
	for name, in := range map[string]string{
		"unknown line":      "hello\n",
		"bad seq":           "ack x " + hashA + "\n",
		"bad hash":          "ack 1 zz\n",
		"short ack":         "ack 1\n",
		"two digests":       "ack 4 " + hashA + "\nack 4 " + hashB + "\n",
		"open and ack skew": "open 1 4 " + hashA + "\nack 4 " + hashB + "\n",
		"bad open":          "open 1 " + hashA + "\n",
	} {
		if _, err := readAcks(strings.NewReader(in)); err == nil {
			t.Errorf("%s: %q accepted", name, in)
		}
	}
}

func TestIdent(t *testing.T) {
	for _, id := range []ident{{0, 0, 0}, {1, 2, 3}, {1<<63 + 5, probeWriter, 1<<64 - 1}} {
		s := id.String()
		if strings.ContainsAny(s, "0123456789") {
			t.Errorf("%v encodes with digits: %q", id, s)
		}
		got, ok := parseIdent(s)
		if !ok || got != id {
			t.Errorf("parseIdent(%q) = %v, %v; want %v", s, got, ok, id)
		}
	}
	for _, s := range []string{"", "crashtest-a-b", "crashtest-a-b-c-d", "crashtest-q-a-a", "other-a-a-a", "crashtest-aaaaaaaaaaaaaaaaa-a-a"} {
		if id, ok := parseIdent(s); ok {
			t.Errorf("parseIdent(%q) = %v, want failure", s, id)
		}
	}
}
