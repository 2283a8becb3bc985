package main

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lowlightlog/llog"
)

// formatBytes formats a size in bytes with binary units: "812 B",
// "1.4 KiB", "63.9 MiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// plural returns "1 record" or "2 records".
func plural(n uint64, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// seqRange formats the record count of a report with the sequence
// numbers: "1000 (seq 1-1000)".
func seqRange(rep *llog.VerifyReport) string {
	if rep.Records == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (seq %d-%d)", rep.Records, rep.FirstSeq, rep.LastSeq)
}

// counted is a name with a count.
type counted struct {
	name string
	n    uint64
}

// byCount returns the entries of m, largest count first, then by name.
func byCount[N int | uint64](m map[string]N) []counted {
	out := make([]counted, 0, len(m))
	for k, v := range m {
		out = append(out, counted{k, uint64(v)})
	}
	slices.SortFunc(out, func(a, b counted) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	return out
}

// formatCounts formats counts by category: "EMAIL 12, PHONE 3".
func formatCounts[N int | uint64](m map[string]N) string {
	var parts []string
	for _, c := range byCount(m) {
		parts = append(parts, fmt.Sprintf("%s %d", c.name, c.n))
	}
	return strings.Join(parts, ", ")
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=+@%,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// absPath returns dir as an absolute path, or dir itself when that fails.
func absPath(dir string) string {
	if a, err := filepath.Abs(dir); err == nil {
		return a
	}
	return dir
}

// breakSummary says how many breaks a report found and where the first is.
func breakSummary(rep *llog.VerifyReport) string {
	s := fmt.Sprintf("the store does not verify: %d %s", rep.BreakCount, map[bool]string{true: "break", false: "breaks"}[rep.BreakCount == 1])
	if len(rep.Breaks) > 0 {
		s += "; first: " + formatBreak(rep.Breaks[0])
	}
	return s
}

// formatBreak locates a break: segment file, offset, sequence number,
// reason, and the digests for a digest mismatch.
func formatBreak(b llog.Break) string {
	var s strings.Builder
	if b.Segment != "" {
		fmt.Fprintf(&s, "%s offset %d", b.Segment, b.Offset)
	} else {
		s.WriteString("store")
	}
	if b.Seq != 0 {
		fmt.Fprintf(&s, " seq %d", b.Seq)
	}
	s.WriteString(": ")
	s.WriteString(cleanMessage(b.Reason))
	if b.Expected != "" || b.Actual != "" {
		fmt.Fprintf(&s, " (expected %s, actual %s)", b.Expected, b.Actual)
	}
	return s.String()
}

// formatTorn describes a torn tail.
func formatTorn(t *llog.TornTail) string {
	if t.IndexedRecords > 0 {
		// The index saw these records committed: not a crash's torn write.
		return fmt.Sprintf("%s offset %d: %s after the last committed batch (%s); the next open truncates them, not a failure of the chain, but the index had seen %s there committed: acknowledged data at the end of the log was damaged or cut off",
			t.Segment, t.Offset, plural(uint64(t.Bytes), "byte"), cleanMessage(t.Reason), plural(t.IndexedRecords, "record"))
	}
	return fmt.Sprintf("%s offset %d: %s after the last committed batch (%s); never acknowledged, the next open truncates them, not a failure",
		t.Segment, t.Offset, plural(uint64(t.Bytes), "byte"), cleanMessage(t.Reason))
}

// formatIndex describes how the index compared with the log.
func formatIndex(rep *llog.VerifyReport) string {
	x := rep.Index
	if x == nil || !x.Checked {
		return "none to compare (the next open for writing builds it)"
	}
	s := fmt.Sprintf("%s: %s compared, watermark seq %d", x.Source, plural(uint64(x.Blocks), "block"), x.Mark)
	if x.Problems > 0 {
		s += fmt.Sprintf(", %s (listed with the breaks; delete index.db to rebuild it)", plural(uint64(x.Problems), "disagreement"))
	}
	if x.Mark > rep.LastSeq {
		return s + "; ahead of the log: it saw records committed that the log no longer holds (see the breaks)"
	}
	if x.Behind > 0 {
		return s + fmt.Sprintf("; %s behind the log: a writer is running, or the last one stopped before checkpointing it or its index failed (the next open catches it up)",
			plural(x.Behind, "record"))
	}
	return s + "; current"
}
