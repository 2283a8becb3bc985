package chain

import (
	"errors"
	"testing"
)

func mustParse(t *testing.T, s string) Digest {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var storeID = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}

// Known answers. Each value can be reproduced with coreutils:
func TestKnownAnswers(t *testing.T) {
	// { printf 'llog/genesis/v1\000'; printf '\000\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017'; } | sha256sum
	genesis := mustParse(t, "010696904546072cf827bfa13948d78a1cc87f1f23a43618747c18526374bb5d")
	if got := Genesis(storeID); got != genesis {
		t.Fatalf("Genesis = %s, want %s", got, genesis)
	}

	// { printf 'llog/chain/v1\000'; head -c 32 /dev/zero;
	//   printf '\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\005hello'; } | sha256sum
	if got, want := Next(Digest{}, 1, []byte("hello")), mustParse(t, "ff72bea080ea180382091d629092bd4454050f63675495d20c614463a15621e5"); got != want {
		t.Fatalf("Next(zero, 1, hello) = %s, want %s", got, want)
	}

	// python3 -c "import hashlib,struct; print(hashlib.sha256(b'llog/chain/v1\x00' +
	//   bytes.fromhex('0106969045...bb5d') + struct.pack('>QQ', 1, 5) + b'hello').hexdigest())"
	h1 := mustParse(t, "69d771c87c629c7786f80b6400608afc5e13748eb60394bf1a200a6984014297")
	if got := Next(genesis, 1, []byte("hello")); got != h1 {
		t.Fatalf("h1 = %s, want %s", got, h1)
	}
	// The same with prev = h1, seq 2 and an empty body.
	h2 := mustParse(t, "2ebfa7b3e18e62694e507c7960d37b30e27c187ea9fc880b46aa70ea9c789209")
	if got := Next(h1, 2, nil); got != h2 {
		t.Fatalf("h2 = %s, want %s", got, h2)
	}
}

func TestHasherNoAlloc(t *testing.T) {
	var h Hasher
	body := make([]byte, 1024)
	var d Digest
	allocs := testing.AllocsPerRun(100, func() { d = h.Next(d, 7, body) })
	if allocs != 0 {
		t.Fatalf("Hasher.Next allocated %.1f times", allocs)
	}
}

func TestHasherMatchesNext(t *testing.T) {
	var h Hasher
	prev := Genesis(storeID)
	for seq := uint64(1); seq < 50; seq++ {
		body := make([]byte, seq*3)
		if a, b := h.Next(prev, seq, body), Next(prev, seq, body); a != b {
			t.Fatalf("seq %d: Hasher %s, Next %s", seq, a, b)
		}
		prev = Next(prev, seq, body)
	}
}

func TestVerifier(t *testing.T) {
	genesis := Genesis(storeID)
	bodies := [][]byte{[]byte("a"), []byte("bb"), []byte("ccc"), []byte("dddd")}
	digests := make([]Digest, len(bodies))
	prev := genesis
	for i, b := range bodies {
		digests[i] = Next(prev, uint64(i+1), b)
		prev = digests[i]
	}

	tests := []struct {
		name    string
		mutate  func(seqs []uint64, bodies [][]byte, digests []Digest)
		breakAt uint64 // 0: verifies
		reason  string
	}{
		{"intact", func([]uint64, [][]byte, []Digest) {}, 0, ""},
		{"body changed", func(_ []uint64, b [][]byte, _ []Digest) { b[2] = []byte("CCC") }, 3, ReasonDigest},
		{"digest changed", func(_ []uint64, _ [][]byte, d []Digest) { d[1][0] ^= 1 }, 2, ReasonDigest},
		{"seq gap", func(s []uint64, _ [][]byte, _ []Digest) { s[2] = 4; s[3] = 5 }, 4, "sequence gap: expected seq 3, found 4"},
		{"swapped", func(_ []uint64, b [][]byte, d []Digest) {
			b[1], b[2] = b[2], b[1]
			d[1], d[2] = d[2], d[1]
		}, 2, ReasonDigest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seqs := []uint64{1, 2, 3, 4}
			bs := append([][]byte(nil), bodies...)
			ds := append([]Digest(nil), digests...)
			tt.mutate(seqs, bs, ds)
			v := NewVerifier(genesis, 1)
			var first error
			for i := range bs {
				if err := v.Check(seqs[i], bs[i], ds[i]); err != nil && first == nil {
					first = err
				}
			}
			if tt.breakAt == 0 {
				if first != nil {
					t.Fatalf("unexpected break: %v", first)
				}
				if head, next := v.Head(); head != digests[3] || next != 5 {
					t.Fatalf("head = %s, %d", head, next)
				}
				return
			}
			var be *BreakError
			if !errors.As(first, &be) || !errors.Is(first, ErrBroken) {
				t.Fatalf("want BreakError, got %v", first)
			}
			if be.Seq != tt.breakAt || be.Reason != tt.reason {
				t.Fatalf("break at %d (%s), want %d (%s)", be.Seq, be.Reason, tt.breakAt, tt.reason)
			}
		})
	}
}

func TestParse(t *testing.T) {
	d := Genesis(storeID)
	back, err := Parse(d.String())
	if err != nil || back != d {
		t.Fatalf("round trip: %v", err)
	}
	for _, bad := range []string{"", "00", d.String()[:63] + "g", d.String() + "00"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
	text, _ := d.MarshalText()
	var u Digest
	if err := u.UnmarshalText(text); err != nil || u != d {
		t.Fatalf("text round trip: %v", err)
	}
}

func BenchmarkHasher(b *testing.B) {
	for _, n := range []int{256, 1024, 8192} {
		b.Run(itoa(n)+"B", func(b *testing.B) {
			var h Hasher
			body := make([]byte, n)
			var d Digest
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				d = h.Next(d, 1, body)
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
