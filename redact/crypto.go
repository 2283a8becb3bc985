package redact

import (
	"crypto/sha256"
	"strings"
)

// Cryptocurrency addresses, validated by their checksums: Bitcoin
// Base58Check P2PKH (1...) and P2SH (3...) addresses, Bech32 (BIP 173)
// and Bech32m (BIP 350) segwit addresses (bc1...), and Ethereum addresses
// (0x + 40 hex digits; mixed case must carry the EIP-55 checksum, all-lower
// and all-upper addresses have none to check).

// Base58Check.

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Value maps a byte to its base58 digit, or -1.
var base58Value = digitTable(base58Alphabet, false)

// digitTable maps each byte of alphabet to its index and every other byte
// to -1; with anyCase, the upper-case forms of letters map like them.
func digitTable(alphabet string, anyCase bool) (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
		if anyCase {
			t[upper(alphabet[i])] = int8(i)
		}
	}
	return t
}

func isBase58(c byte) bool { return base58Value[c] >= 0 }

// findBase58Address scans for Bitcoin P2PKH and P2SH addresses: a word of
// 26 to 35 base58 characters starting with 1 or 3 whose Base58Check
// decoding is 25 bytes with version 0x00 or 0x05 and a valid checksum.
// strings.IndexByte finds the leading digits (it is several times faster
// than a byte loop on text where they are rare), and a run once read is
// skipped whole.
func findBase58Address(dst []Span, s string, _ int) []Span {
	for _, lead := range [...]byte{'1', '3'} {
		for i := 0; i < len(s); {
			k := strings.IndexByte(s[i:], lead)
			if k < 0 {
				break
			}
			i += k
			if i > 0 && (isWord(s[i-1]) || s[i-1] == '.' || s[i-1] == '-' || s[i-1] == '/') {
				for i++; i < len(s) && isWord(s[i]); i++ {
				} // inside a word: skip the rest of it
				continue
			}
			e := i
			for e < len(s) && e-i <= 35 && isBase58(s[e]) {
				e++
			}
			if n := e - i; n >= 26 && n <= 35 && (e == len(s) || !isWord(s[e]) && s[e] != '-') && validBase58Check(s[i:e], lead) {
				dst = append(dst, Span{Start: i, End: e})
			}
			i = max(e, i+1)
		}
	}
	return dst
}

// validBase58Check decodes a base58 address and checks its length,
// version byte (0x00 for '1', 0x05 for '3') and double-SHA-256 checksum.
func validBase58Check(a string, lead byte) bool {
	// Letters of both cases: digits-only words are numbers.
	var up, lo bool
	for i := 0; i < len(a); i++ {
		up = up || isUpper(a[i])
		lo = lo || isLower(a[i])
	}
	if !up || !lo {
		return false
	}
	var b [25]byte // big-endian value
	for i := 0; i < len(a); i++ {
		carry := int(base58Value[a[i]])
		for j := len(b) - 1; j >= 0; j-- {
			carry += int(b[j]) * 58
			b[j] = byte(carry)
			carry >>= 8
		}
		if carry != 0 {
			return false // more than 25 bytes
		}
	}
	// Leading '1's encode the leading zero bytes of the 25: the version
	// byte 0x00 of a P2PKH address and any zero bytes after it.
	ones, zeros := 0, 0
	for ones < len(a) && a[ones] == '1' {
		ones++
	}
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	if ones != zeros || lead == '1' && b[0] != 0 || lead == '3' && b[0] != 5 {
		return false
	}
	h := sha256.Sum256(b[:21])
	h = sha256.Sum256(h[:])
	return h[0] == b[21] && h[1] == b[22] && h[2] == b[23] && h[3] == b[24]
}

// Bech32 and Bech32m.

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// bech32Value maps a byte to its Bech32 value (either case), or -1.
var bech32Value = digitTable(bech32Charset, true)

// findBech32Address is called at "bc1" and reports a valid segwit address:
// one case, a valid checksum (Bech32 for witness version 0, Bech32m for
// versions 1 to 16) and a witness program of a valid length.
func findBech32Address(dst []Span, s string, at int) []Span {
	if at > 0 && (isWord(s[at-1]) || s[at-1] == '-') {
		return dst
	}
	e := at + 3
	for e < len(s) && e-at <= 90 && bech32Value[s[e]] >= 0 {
		e++
	}
	if e-at < 14 || e-at > 90 || e < len(s) && isWord(s[e]) {
		return dst
	}
	if validSegwit(s[at:e]) {
		dst = append(dst, Span{Start: at, End: e})
	}
	return dst
}

func bech32Polymod(v uint32, d byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	b := v >> 25
	v = (v&0x1ffffff)<<5 ^ uint32(d)
	for i := range 5 {
		if b>>i&1 != 0 {
			v ^= gen[i]
		}
	}
	return v
}

// bech32Checksum returns the Bech32 polymod of the human-readable part hrp
// (lower case) expanded, and of data, the characters after the separator
// '1' (either case): 1 for a valid Bech32 string, 0x2bc830a3 for a valid
// Bech32m one. A byte outside the alphabet gives 0.
func bech32Checksum(hrp, data string) uint32 {
	v := uint32(1)
	for i := 0; i < len(hrp); i++ {
		v = bech32Polymod(v, hrp[i]>>5)
	}
	v = bech32Polymod(v, 0)
	for i := 0; i < len(hrp); i++ {
		v = bech32Polymod(v, hrp[i]&31)
	}
	for i := 0; i < len(data); i++ {
		d := bech32Value[data[i]]
		if d < 0 {
			return 0
		}
		v = bech32Polymod(v, byte(d))
	}
	return v
}

// validSegwit checks a "bc1..." address.
func validSegwit(a string) bool {
	var up, lo bool
	for i := 0; i < len(a); i++ {
		up = up || isUpper(a[i])
		lo = lo || isLower(a[i])
	}
	if up && lo {
		return false
	}
	data := a[3:]
	v := bech32Checksum("bc", data)
	ver := bech32Value[data[0]]
	switch {
	case ver == 0 && v != 1, ver > 0 && v != 0x2bc830a3, ver > 16:
		return false
	}
	// The witness program: the 5-bit groups after the version, without
	// the 6 checksum characters, regrouped into bytes.
	bitsN := (len(data) - 1 - 6) * 5
	if bitsN%8 >= 5 {
		return false // padding of 5 bits or more
	}
	n := bitsN / 8
	if n < 2 || n > 40 || ver == 0 && n != 20 && n != 32 {
		return false
	}
	return true
}

// Ethereum.

// findEthAddress is called at "0x" and reports 0x + 40 hex digits that
// stand alone, with a valid EIP-55 checksum if they mix cases.
func findEthAddress(dst []Span, s string, at int) []Span {
	if at > 0 && (isWord(s[at-1]) || s[at-1] == '-') || len(s)-at < 42 || s[at] != '0' || s[at+1] != 'x' && s[at+1] != 'X' {
		return dst
	}
	h := s[at+2 : at+42]
	if !allFunc(h, isHexByte) || at+42 < len(s) && (isWord(s[at+42]) || s[at+42] == '-') {
		return dst
	}
	if !validEIP55(h) {
		return dst
	}
	return append(dst, Span{Start: at, End: at + 42})
}

// validEIP55 checks the EIP-55 checksum of 40 hex digits: with mixed case,
// the letter at position i is upper case exactly when nibble i of
// Keccak-256 of the lower-case hex is 8 or more. Without letters of both
// cases there is no checksum; a run of one digit is not an address.
func validEIP55(h string) bool {
	var lc [40]byte
	var up, lo bool
	for i := 0; i < 40; i++ {
		c := h[i]
		up = up || isUpper(c)
		lo = lo || isLower(c)
		lc[i] = lower(c)
	}
	if placeholderToken(h) {
		return false
	}
	if !up || !lo {
		return true
	}
	d := keccak256(lc[:])
	for i := 0; i < 40; i++ {
		c := h[i]
		if isDigit(c) {
			continue
		}
		nib := d[i/2] >> 4
		if i%2 == 1 {
			nib = d[i/2] & 15
		}
		if isUpper(c) != (nib >= 8) {
			return false
		}
	}
	return true
}
