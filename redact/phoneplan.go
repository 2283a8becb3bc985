package redact

//go:generate go run -C ../internal/phonegen . -o ../../redact/phoneplan_gen.go

// The number plan tables in phoneplan_gen.go are generated from
// libphonenumber's metadata by internal/phonegen (a module of its own, so
// that llog does not depend on libphonenumber). They are two digit tries
// sharing one node array, planNodes: each node has one entry per next digit,
// either another node's index or, with planLeafBit set, the index of a leaf
// that holds what is known about every number starting with the digits so
// far.
//
//   - The international trie (planIntlRoot) is walked with the digits after
//     '+': the country calling code and the first digit of the national
//     significant number (the three digits of the area code in North
//     America). Its leaves (planIntlLeaves) are masks of the total lengths
//     (calling code included) of the valid numbers: bit n is set if some
//     valid number has n digits.
//   - The national trie (planNatRoot) is walked with the first four digits
//     of a number as written at home, trunk prefix included ("0171...",
//     "8916...", "1555..."), for the countries listed in the generated file.
//     Its leaves (planNatLeaves) say which lengths are valid, which of them
//     the plan writes with a trunk prefix, which are mobile numbers, and in
//     which groups the plan writes the numbers without a trunk prefix
//     (planSigs lists grouping ids, ended by 0; planGroupings holds the
//     group lengths of each id).
//
// A number is valid if the plan of its country assigns it (fixed line,
// mobile, toll free, premium rate, shared cost, personal, VoIP, pager, UAN
// or voicemail). The tries stop at a few digits, so "valid" means "has the
// length and the leading digits of a valid number".

// planNatLeaf is a leaf of the national trie. Bit n of a mask stands for
// numbers of n written digits.
type planNatLeaf struct {
	valid  uint16 // some valid number has these digits first
	trunk  uint16 // ... and is written with a trunk prefix
	mobile uint16 // ... and is a mobile number
	sigs   uint16 // offset in planSigs of the groupings of numbers written without a trunk prefix
}

const planLeafBit = 0x8000

// planWalk follows the digits d (ASCII) down the trie from root and returns
// the index of the leaf it reaches, or 0 (no valid number) if d ends first.
func planWalk(root uint16, d []byte) uint16 {
	v := root
	for _, c := range d {
		if v&planLeafBit != 0 {
			break
		}
		v = planNodes[v][c-'0']
	}
	if v&planLeafBit == 0 {
		return 0
	}
	return v &^ planLeafBit
}

// intlValid reports whether d, the digits after '+' or an international
// prefix, is a valid number: a country calling code and a national number
// with the length and leading digits of a valid number of that country. A
// trunk prefix 0 written after the calling code ("+44 (0)20 ...",
// "+49 030 ...") is skipped.
func intlValid(d []byte) bool {
	n := len(d)
	if n < 7 || n > 15 {
		return false
	}
	if planIntlLeaves[planWalk(planIntlRoot, d)]&(1<<n) != 0 {
		return true
	}
	// Drop a 0 after a one to three digit calling code and try again.
	var buf [15]byte
	for k := 1; k <= 3 && k < n-1; k++ {
		if d[k] != '0' {
			continue
		}
		m := copy(buf[:], d[:k])
		m += copy(buf[m:], d[k+1:])
		if planIntlLeaves[planWalk(planIntlRoot, buf[:m])]&(1<<m) != 0 {
			return true
		}
	}
	if n == 13 && d[0] == '5' && d[1] == '2' && d[2] == '1' {
		// Mexico's mobiles as they were dialled until 2019, and are still
		// written: +52 1 33 3568 1535.
		m := copy(buf[:], "52")
		m += copy(buf[m:], d[3:])
		return planIntlLeaves[planWalk(planIntlRoot, buf[:m])]&(1<<m) != 0
	}
	return false
}

// natLeaf returns the national leaf for the digits d.
func natLeaf(d []byte) *planNatLeaf { return &planNatLeaves[planWalk(planNatRoot, d)] }

// hasGrouping reports whether the plan writes numbers of leaf l without a
// trunk prefix in the groups of u.
func (l *planNatLeaf) hasGrouping(u sub) bool {
	n := u.n()
	if n > len(planGroupings[0]) {
		return false
	}
next:
	for p := int(l.sigs); p < len(planSigs) && planSigs[p] != 0; p++ {
		g := &planGroupings[planSigs[p]]
		for k := 0; k < n; k++ {
			if int(g[k]) != u.g(k).len() {
				continue next
			}
		}
		if n == len(g) || g[n] == 0 {
			return true
		}
	}
	return false
}
