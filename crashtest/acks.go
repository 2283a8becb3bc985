package main

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/chain"
)

// The writer's standard output, one line per event, each flushed before the
// writer goes on:
//
//	open <run> <last-seq> <head-hex>   the store is open; records 1..last-seq
//	                                   were there (recovery made them durable)
//	ack <seq> <hash-hex>               record seq is durable with this digest
//	checkpoint <base64>                a checkpoint (its note, base64) is
//	                                   durable and was handed to OnCheckpoint
//	kill <point> <k>                   the writer kills itself at the k-th
//	                                   firing of hook point
//	cut <point> <k>                    the writer shut its filesystem down
//	                                   there (and then kills itself)
//	hook <point>                       hook point fired for the first time
//	                                   (with --report-hooks)
//
// An ack for seq vouches for every record before it too: a record's chain
// digest covers the whole chain before it, so if the store holds record seq
// with that digest and the chain verifies, records 1..seq are exactly the
// ones that were acknowledged. The Flush mode of the writer relies on this:
// it acknowledges the newest record a returned Flush covers.
//
// This is also the format of an acknowledgement file (--acks): the writer's
// output saved on another machine. A last line without its newline, as a
// power cut leaves it, is ignored.

// openLine is one "open" line.
type openLine struct {
	run     uint64
	lastSeq uint64
	head    chain.Digest
}

// ackLog is what the writers said: every acknowledgement and every open.
type ackLog struct {
	acks  map[uint64]chain.Digest // seq → digest, from ack and open lines
	top   uint64                  // highest acknowledged seq
	opens []openLine              // in the order the writers opened the store
	kills map[string]int          // hook point → kills announced there
	cuts  map[string]int          // hook point → cuts announced there
	// checkpoints are the checkpoints the writers were handed, in order.
	checkpoints []*llog.Checkpoint
	lines       int
}

func newAckLog() *ackLog {
	return &ackLog{acks: make(map[uint64]chain.Digest), kills: make(map[string]int), cuts: make(map[string]int)}
}

// ack records that seq is durable with digest d. A second, different
// digest for the same seq is an error: the writer saw two records at one
// position.
func (a *ackLog) ack(seq uint64, d chain.Digest) error {
	if seq == 0 {
		return nil // an empty store: nothing to vouch for
	}
	if old, ok := a.acks[seq]; ok && old != d {
		return fmt.Errorf("seq %d acknowledged with digests %v and %v", seq, old, d)
	}
	a.acks[seq] = d
	a.top = max(a.top, seq)
	return nil
}

// line parses one line of writer output.
func (a *ackLog) line(s string) error {
	a.lines++
	f := strings.Fields(s)
	if len(f) == 0 || strings.HasPrefix(f[0], "#") {
		return nil // a comment
	}
	bad := func(err error) error { return fmt.Errorf("line %d %q: %v", a.lines, s, err) }
	switch f[0] {
	case "ack":
		if len(f) != 3 {
			return bad(fmt.Errorf("want ack <seq> <hash>"))
		}
		seq, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			return bad(err)
		}
		d, err := chain.Parse(f[2])
		if err != nil {
			return bad(err)
		}
		if err := a.ack(seq, d); err != nil {
			return bad(err)
		}
	case "open":
		if len(f) != 4 {
			return bad(fmt.Errorf("want open <run> <last-seq> <head>"))
		}
		run, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			return bad(err)
		}
		seq, err := strconv.ParseUint(f[2], 10, 64)
		if err != nil {
			return bad(err)
		}
		d, err := chain.Parse(f[3])
		if err != nil {
			return bad(err)
		}
		a.opens = append(a.opens, openLine{run: run, lastSeq: seq, head: d})
		if err := a.ack(seq, d); err != nil {
			return bad(err)
		}
	case "checkpoint":
		if len(f) != 2 {
			return bad(fmt.Errorf("want checkpoint <base64>"))
		}
		b, err := base64.StdEncoding.DecodeString(f[1])
		if err != nil {
			return bad(err)
		}
		ck, err := llog.ParseCheckpoint(b)
		if err != nil {
			return bad(err)
		}
		a.checkpoints = append(a.checkpoints, ck)
	case "hook":
		if len(f) != 2 {
			return bad(fmt.Errorf("want hook <point>"))
		}
	case "kill", "cut":
		if len(f) != 3 {
			return bad(fmt.Errorf("want %s <point> <k>", f[0]))
		}
		if f[0] == "kill" {
			a.kills[f[1]]++
		} else {
			a.cuts[f[1]]++
		}
	default:
		return bad(fmt.Errorf("unknown line"))
	}
	return nil
}

// readAcks reads an acknowledgement file. A last line without a newline is
// ignored: it is what a cut in the middle of a write leaves.
func readAcks(r io.Reader) (*ackLog, error) {
	a := newAckLog()
	br := bufio.NewReader(r)
	for {
		s, err := br.ReadString('\n')
		if err == io.EOF {
			return a, nil // s, if any, is a partial line
		}
		if err != nil {
			return nil, err
		}
		if err := a.line(strings.TrimSuffix(s, "\n")); err != nil {
			return nil, err
		}
	}
}

// ident is the identity crashtest gives every record it writes, stored in
// the record's TraceID: the run (one writer process), the writer goroutine
// and the record's number in that goroutine, from 0. Because each goroutine
// logs its records one after another, the records of one (run, writer)
// present in a store must be numbered 0, 1, 2, ... with no gap: a hole, a
// repeat or a swap is a record lost, duplicated or reordered.
type ident struct {
	run, writer, n uint64
}

// probeWriter is the writer number of the record run and check write after
// recovery to prove the store takes new writes.
const probeWriter = 4095

const identPrefix = "crashtest-"

// String encodes the identity with the letters a to p as hexadecimal
// digits, so that no redaction rule for numbers (phone, card, address)
// can ever match it.
func (id ident) String() string {
	return identPrefix + letters(id.run) + "-" + letters(id.writer) + "-" + letters(id.n)
}

func letters(v uint64) string {
	if v == 0 {
		return "a"
	}
	var b [16]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = 'a' + byte(v&15)
		v >>= 4
	}
	return string(b[i:])
}

func unletters(s string) (uint64, bool) {
	if s == "" || len(s) > 16 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 'a' || c > 'p' {
			return 0, false
		}
		v = v<<4 | uint64(c-'a')
	}
	return v, true
}

// parseIdent decodes a TraceID written by crashtest.
func parseIdent(s string) (ident, bool) {
	rest, ok := strings.CutPrefix(s, identPrefix)
	if !ok {
		return ident{}, false
	}
	parts := strings.Split(rest, "-")
	if len(parts) != 3 {
		return ident{}, false
	}
	var id ident
	var ok1, ok2, ok3 bool
	id.run, ok1 = unletters(parts[0])
	id.writer, ok2 = unletters(parts[1])
	id.n, ok3 = unletters(parts[2])
	return id, ok1 && ok2 && ok3
}
