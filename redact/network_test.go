package redact

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestVersionWordIndex checks versionWordIndex against a comparison with
// every version word: the words themselves in any case, compounds that end
// in them, their prefixes and suffixes, and random words.
func TestVersionWordIndex(t *testing.T) {
	has := func(word string) bool {
		for _, v := range versionWords {
			if equalFold(word, v) || v[0] >= 0x80 && len(word) >= len(v) && hasSuffixFoldUTF8(word, v) ||
				len(v) >= 5 && len(word) > len(v) && hasSuffixFold(word, v) {
				return true
			}
		}
		return false
	}
	words := []string{"", "a", "v", "V", "Ver", "VERSION", "Softwareversion", "Gerätetreiber", "ВЕРСИЯ", "Версии",
		"펌웨어", "Firmware-Version", "§", "x§", "sürüm", "SÜRÜM", "Sürümü", "build", "rebuild", "prebuild", "ÉDITION"}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, v := range versionWords {
		words = append(words, v, strings.ToUpper(v), strings.ToUpper(v[:1])+v[1:], "x"+v, "Xx"+strings.ToUpper(v), v[1:], v[:len(v)-1], "ä"+v)
	}
	pieces := []string{"a", "e", "r", "s", "i", "o", "n", "V", "É", "ü", "я", "Я", "版", "-", "."}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(10) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if rng.IntN(2) == 0 {
			b.WriteString(versionWords[rng.IntN(len(versionWords))])
		}
		words = append(words, b.String())
	}
	for _, w := range words {
		if got, want := versionWordIndex.has(w), has(w); got != want {
			t.Errorf("versionWordIndex.has(%q) = %v, want %v", w, got, want)
		}
	}
}
