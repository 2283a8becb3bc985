package redact

import (
	"crypto/sha256"
	"encoding/base32"
	"hash/crc32"
	"strings"
)

// Checksums of vendor tokens. A few issuers end their tokens with a
// checksum of the rest, so that a scanner can tell a token they issued
// from a string of the same shape:
//
//   - GitHub's classic tokens (ghp_, gho_, ghu_, ghs_, ghr_) and npm's
//     (npm_): the last 6 characters are the CRC-32 (IEEE) of the random
//     characters before them, in base62 (0-9, A-Z, a-z), zero-padded
//     ("Behind GitHub's new authentication token formats", 2021, and npm's
//     announcement of the same format).
//   - GitHub's fine-grained tokens (github_pat_ + 22 + "_" + 59): the 8
//     characters after the first 77 of the token are the first 8 of the
//     base32 (RFC 4648, upper case) SHA-256 of those 77, prefix included
//     (checked on public tokens).
//   - age secret keys: Bech32 with the human-readable part
//     "age-secret-key-" (C2SP age).
//
// A token whose checksum fails was not issued: it is a sample, a test
// vector or a typo. It is still redacted where nothing says so (a fake
// token stands for a real one in documentation and in a pasted
// configuration), but not where its line presents it as a value a
// scanner must reject (see testValueLine).

// base62Digits is the alphabet of GitHub's and npm's checksums.
const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// crc32Base62 reports whether body ends in the 6-character base62 CRC-32
// of the characters before them (the classic GitHub and npm tokens).
func crc32Base62(body string) bool {
	if len(body) <= 6 {
		return false
	}
	n := crc32.ChecksumIEEE([]byte(body[:len(body)-6]))
	for i := len(body) - 1; i >= len(body)-6; i-- {
		if body[i] != base62Digits[n%62] {
			return false
		}
		n /= 62
	}
	return true
}

// githubFineGrainedSum checks the body of a fine-grained GitHub token
// (after github_pat_): 22 letters and digits, '_', 59 letters and digits,
// whose characters 55 to 62 of the second part are the base32 SHA-256 of
// the token up to them. It reports ok = false for a body of another shape,
// which it cannot judge.
func githubFineGrainedSum(body string) (valid, ok bool) {
	if len(body) != 82 || body[22] != '_' || !allFunc(body[:22], isAlnumByte) || !allFunc(body[23:], isAlnumByte) {
		return false, false
	}
	sum := sha256.Sum256([]byte("github_pat_" + body[:66]))
	var enc [56]byte
	base32.StdEncoding.Encode(enc[:], sum[:])
	return string(enc[:8]) == body[66:74], true
}

func isAlnumByte(c byte) bool { return isAlnum(c) }

// ageKeySum reports whether the 58 characters after "AGE-SECRET-KEY-1"
// carry a valid Bech32 checksum.
func ageKeySum(body string) bool {
	return bech32Checksum("age-secret-key-", body) == 1
}

// githubPATSum is the checksum of the github-pat rule: the SHA-256 of a
// fine-grained token of the known shape; a token of another shape passes.
func githubPATSum(body string) bool {
	valid, ok := githubFineGrainedSum(body)
	return valid || !ok
}

// testValueCues are the words by which a line presents a value as a test
// vector that must not match, or as a token that fails its checksum: a
// scanner's fixture ("fixtures/reject/3.txt: ghp_…"), a table row
// ({in: "ghs_…", ok: false}, // CRC32 mismatch), an assertion (assert not
// looks_valid("npm_…")), an expectation ("want_match": false).
var testValueCues = []string{
	"checksum", "crc", "mismatch", "reject", "fixture", "want_match", "not match", "assert not", "not_match",
	"bech32",
}

// testValueLine reports whether the line around s[start:end] (up to 160
// bytes each side) names the value a test vector with one of
// testValueCues. A window that holds a placeholder decides toward no
// match: the cue may be what a placeholder replaced.
func testValueLine(s string, start, end int) bool {
	lo := lineStartWithin(s, start, 160)
	hi := min(lineEnd(s, end), end+160)
	if lo < start && inPlaceholder(s, lo) || end < hi && inPlaceholder(s, hi-1) {
		return true
	}
	for _, w := range [2]string{s[lo:start], s[end:hi]} {
		if cueIn(w) {
			return true
		}
	}
	// A list of bare values, one per line, under a heading that names
	// them test vectors ("// tokens with a wrong CRC32:",
	// "fixtures/bad_checksum.txt:").
	if !bareLine(s[lineStartWithin(s, start, 256):min(lineEnd(s, end), end+256)]) {
		return false
	}
	for ls, n := lineStartWithin(s, start, 256), 0; ls > 0 && n < 16; n++ {
		prev := lineStartWithin(s, ls-1, 256)
		line := s[prev : ls-1]
		if cueIn(line) {
			return true
		}
		if !bareLine(line) {
			return false
		}
		ls = prev
	}
	return false
}

// cueIn reports a window that holds one of testValueCues, or a
// placeholder, which may have replaced one.
func cueIn(w string) bool {
	if strings.Contains(w, placeholderPrefix) {
		return true
	}
	for _, c := range testValueCues {
		if indexFold(w, c) >= 0 {
			return true
		}
	}
	return false
}

// bareLine reports a line that holds one word and nothing else but list
// marks, quotes and a trailing comma: an item of a list of values.
func bareLine(line string) bool {
	t := strings.TrimSpace(line)
	t = strings.TrimLeft(t, "-*• ")
	t = strings.Trim(t, "\"'`,;")
	return t != "" && strings.IndexAny(t, " \t") < 0
}
