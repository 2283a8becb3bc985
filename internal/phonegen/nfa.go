package main

import (
	"fmt"
	"regexp/syntax"
	"slices"
)

// digitNFA runs a libphonenumber number pattern over strings of ASCII
// digits, one digit at a time, and answers "how many more digits can make a
// full match from here" for any prefix.
type digitNFA struct {
	prog  *syntax.Prog
	reach []uint32 // reach[pc]: bit r is set if a match can end after exactly r more digits
	start []int    // the closure of the start state

	seen  []uint32 // closure's visit marks: seen[pc] == stamp
	stamp uint32
	steps map[stepKey][]int // memoized steps
}

type stepKey struct {
	set string // the state set, as its instruction numbers in bytes
	d   byte
}

// compileDigits compiles a pattern that must match a whole string of digits
// (libphonenumber patterns are implicitly anchored at both ends).
func compileDigits(pattern string) (*digitNFA, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", pattern, err)
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, fmt.Errorf("compile %q: %w", pattern, err)
	}
	n := &digitNFA{prog: prog, reach: make([]uint32, len(prog.Inst)), seen: make([]uint32, len(prog.Inst)), steps: map[stepKey][]int{}}
	// Least fixed point of the reach equations; every step only adds bits,
	// so it terminates (at most 32 bits per instruction).
	for changed := true; changed; {
		changed = false
		for pc := range prog.Inst {
			in := &prog.Inst[pc]
			var m uint32
			switch in.Op {
			case syntax.InstMatch:
				m = 1
			case syntax.InstAlt, syntax.InstAltMatch:
				m = n.reach[in.Out] | n.reach[in.Arg]
			case syntax.InstCapture, syntax.InstNop, syntax.InstEmptyWidth:
				m = n.reach[in.Out]
			default:
				if consumesDigit(in) {
					m = n.reach[in.Out] << 1
				}
			}
			if m|n.reach[pc] != n.reach[pc] {
				n.reach[pc] |= m
				changed = true
			}
		}
	}
	n.start = n.closure([]int{prog.Start})
	return n, nil
}

func isRuneOp(op syntax.InstOp) bool {
	return op == syntax.InstRune || op == syntax.InstRune1 || op == syntax.InstRuneAny || op == syntax.InstRuneAnyNotNL
}

func consumesDigit(in *syntax.Inst) bool {
	for d := byte('0'); d <= '9'; d++ {
		if isRuneOp(in.Op) && matchDigit(in, d) {
			return true
		}
	}
	return false
}

func matchDigit(in *syntax.Inst, d byte) bool {
	switch in.Op {
	case syntax.InstRune, syntax.InstRune1:
		return in.MatchRune(rune(d))
	case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
		return true
	}
	return false
}

// closure returns the sorted consuming and matching instructions reachable
// from pcs without consuming a digit.
func (n *digitNFA) closure(pcs []int) []int {
	n.stamp++
	var out []int
	var visit func(pc int)
	visit = func(pc int) {
		if n.seen[pc] == n.stamp {
			return
		}
		n.seen[pc] = n.stamp
		in := &n.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			visit(int(in.Out))
			visit(int(in.Arg))
		case syntax.InstCapture, syntax.InstNop, syntax.InstEmptyWidth:
			visit(int(in.Out))
		case syntax.InstMatch:
			out = append(out, pc)
		case syntax.InstFail:
		default:
			out = append(out, pc)
		}
	}
	for _, pc := range pcs {
		visit(pc)
	}
	slices.Sort(out)
	return out
}

// step returns the state after consuming digit d from state set.
func (n *digitNFA) step(set []int, d byte) []int {
	k := stepKey{setKey(set), d}
	if next, ok := n.steps[k]; ok {
		return next
	}
	next := n.step1(set, d)
	n.steps[k] = next
	return next
}

func setKey(set []int) string {
	b := make([]byte, 0, 4*len(set))
	for _, pc := range set {
		b = append(b, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	return string(b)
}

func (n *digitNFA) step1(set []int, d byte) []int {
	var next []int
	for _, pc := range set {
		in := &n.prog.Inst[pc]
		if isRuneOp(in.Op) && matchDigit(in, d) {
			next = append(next, int(in.Out))
		}
	}
	if len(next) == 0 {
		return nil
	}
	return n.closure(next)
}

// mask returns the numbers of further digits after which set can match.
func (n *digitNFA) mask(set []int) uint32 {
	var m uint32
	for _, pc := range set {
		m |= n.reach[pc]
	}
	return m
}

// run returns the state after consuming digits from the start.
func (n *digitNFA) run(digits string) []int {
	set := n.start
	for i := 0; i < len(digits) && set != nil; i++ {
		set = n.step(set, digits[i])
	}
	return set
}

// matches reports whether the pattern matches all of digits.
func (n *digitNFA) matches(digits string) bool {
	return n.mask(n.run(digits))&1 != 0
}

// complete appends to prefix the smallest r digits that make a match from
// set, or reports false.
func (n *digitNFA) complete(prefix []byte, set []int, r int) ([]byte, bool) {
	if n.mask(set)&(1<<r) == 0 {
		return prefix, false
	}
	for ; r > 0; r-- {
		found := false
		for d := byte('0'); d <= '9'; d++ {
			next := n.step(set, d)
			if n.mask(next)&(1<<(r-1)) != 0 {
				prefix = append(prefix, d)
				set = next
				found = true
				break
			}
		}
		if !found {
			return prefix, false // cannot happen: the mask promised a path
		}
	}
	return prefix, true
}
