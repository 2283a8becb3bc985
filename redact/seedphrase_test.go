package redact

import (
	"hash/crc32"
	"slices"
	"strings"
	"testing"
)

// TestBIP39List checks the embedded word list against BIP-39's own
// english.txt: its CRC-32 (c1dbd296, the checksum other implementations
// check), 2048 words, sorted (isBIP39Word searches it).
func TestBIP39List(t *testing.T) {
	if got := crc32.ChecksumIEEE([]byte(bip39English)); got != 0xc1dbd296 {
		t.Fatalf("bip39_english.txt CRC-32 = %08x, want c1dbd296", got)
	}
	w := bip39Words()
	if len(w) != 2048 || !slices.IsSorted(w) || w[0] != "abandon" || w[2047] != "zoo" {
		t.Fatalf("%d words, sorted %v, first %q, last %q", len(w), slices.IsSorted(w), w[0], w[len(w)-1])
	}
}

func TestSeedWords(t *testing.T) {
	twelve := "orbit tunnel wagon fiscal lemon survey cradle awake tissue ranch glove mixture"
	for _, tc := range []struct {
		in   string
		want string
	}{
		{twelve, twelve},
		{twelve + " and more", twelve},
		{twelve + " zoo zoo zoo", twelve + " zoo zoo zoo"}, // 15
		{twelve + " zoo zoo", twelve},                      // 14: the first 12
		{strings.Repeat("zoo ", 11) + "zoo", strings.Repeat("zoo ", 11) + "zoo"},
		{strings.Repeat("zoo ", 10) + "zoo", ""},  // 11
		{strings.Repeat("zoo ", 11) + "zooz", ""}, // not a word of the list
		{"orbit tunnel wagon fiscal lemon survey cradle awake tissue ranch glove mixtures", ""},
	} {
		s, e := seedWords(tc.in, 0)
		if got := tc.in[s:e]; got != tc.want {
			t.Errorf("seedWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
