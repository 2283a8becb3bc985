package redact

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Category names a kind of sensitive data. It is the word inside the
// placeholder that replaces a match ("[REDACTED:EMAIL]"), so it is upper case
// ASCII letters, digits and underscores, starting with a letter.
type Category string

// The categories of the default rule set. See the package documentation for
// what each one covers.
const (
	Email          Category = "EMAIL"
	Phone          Category = "PHONE"
	CreditCard     Category = "CREDIT_CARD"
	SSN            Category = "SSN"
	IBAN           Category = "IBAN"
	IPv4           Category = "IPV4"
	IPv6           Category = "IPV6"
	AWSKey         Category = "AWS_KEY"
	GitHubToken    Category = "GITHUB_TOKEN"
	APIKey         Category = "API_KEY"
	JWT            Category = "JWT"
	PrivateKey     Category = "PRIVATE_KEY"
	BearerToken    Category = "BEARER_TOKEN"
	BasicAuth      Category = "BASIC_AUTH"
	Password       Category = "PASSWORD"
	Secret         Category = "SECRET"
	URLCredentials Category = "URL_CREDENTIALS"
	CryptoAddress  Category = "CRYPTO_ADDRESS"
)

// placeholderPrefix starts every placeholder. A placeholder is
// placeholderPrefix + Category + "]".
const placeholderPrefix = "[REDACTED:"

// Placeholder returns the text that replaces a match of category c:
// "[REDACTED:" + c + "]".
func Placeholder(c Category) string {
	return placeholderPrefix + string(c) + "]"
}

// Counts holds the number of redactions made per category.
type Counts map[Category]int

// Total returns the number of redactions over all categories.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Span is one match reported by a [FindFunc]. s[Start:End] is the text the
// rule claims (used to resolve overlaps between rules); its first Keep bytes
// stay in the output (a vendor prefix such as "ghp_" or a scheme such as
// "Bearer ") and s[Start+Keep:End] is replaced by the placeholder.
type Span struct {
	Start, End, Keep int
}

// FindFunc is a hand-written matcher. It appends the matches it finds in s to
// dst and returns the extended slice; it must not keep s or dst.
//
// For a rule with Keywords it is called once per keyword occurrence, with at
// set to the byte offset of the occurrence, and should report only the matches
// that occurrence gives rise to (duplicates are removed). For a rule without
// Keywords it is called once per scan with at = -1 and reports every match.
//
// A FindFunc must not panic on any input and should not allocate unless it
// reports a match: when a text contains nothing to redact, Redact does not
// allocate.
type FindFunc func(dst []Span, s string, at int) []Span

// Rule describes one kind of sensitive text. Rules are data: New compiles
// them once, and a table test runs every rule's Examples and Negatives.
type Rule struct {
	// ID identifies the rule, e.g. "github-token". It must be unique within a
	// Redactor.
	ID string
	// Category is the placeholder word used for the rule's matches.
	Category Category
	// Description says in one sentence what the rule finds.
	Description string

	// Keywords are where the rule looks. They are matched ASCII
	// case-insensitively in one pass over the text for all rules together
	// (a keyword that starts with a lower-case letter outside ASCII also
	// matches with that letter in upper case: пароль, Пароль),
	// and a rule with Keywords runs only where one of them occurs: a Pattern
	// must match starting at the occurrence, which must not follow a letter,
	// digit, underscore or '-'; a Find is called with the occurrence's offset.
	// An occurrence inside the rule's previous match is skipped.
	// A rule without Keywords scans the whole text on every call, which for a
	// Pattern is slow (tens of MB/s): give custom rules a keyword when you can.
	Keywords []string

	// Pattern is an RE2 regular expression (package regexp syntax). If it has
	// a capturing group, group 1 is the part that is replaced: the text of
	// the match before it is kept (a vendor prefix), and the text after it
	// is only context (a terminating byte) and is neither claimed nor
	// replaced. Without a group the whole match is replaced. Exactly one of
	// Pattern and Find must be set.
	Pattern string
	// Find is a hand-written matcher, used instead of Pattern.
	//
	// The phone, credit-card, ssn and iban rules of DefaultRules are marked
	// as built-in numeric rules: a Redactor runs them all in one sweep over
	// the digits of a text, and their Find is that sweep for one kind (for
	// callers that run a rule by hand); the ipv4 rule likewise reads where
	// the sweep found digits. A copy of one of them keeps the mark, so to
	// change what it finds, write a new Rule rather than replacing the
	// copy's Find.
	Find FindFunc
	// MaxLen is the window, in bytes from a keyword occurrence, that a
	// Pattern is matched in: the typical length of a match. A match that
	// reaches the end of the window is retried on the rest of the text, so
	// MaxLen only tunes speed (the regexp engine clears state in proportion
	// to the window). Zero means 1024.
	MaxLen int

	// Validate, if set, is called with the text a match would replace and
	// rejects the match by returning false (a checksum, a range check, an
	// entropy check).
	Validate func(secret string) bool

	// Priority breaks ties between matches that start at the same offset and
	// have the same length: the higher priority wins, then the earlier rule.
	Priority int

	// Examples are texts the rule must redact; Negatives are texts it must
	// leave alone. Both are checked by the package tests and by
	// [Redactor.Check].
	Examples  []string
	Negatives []string

	// numeric marks the built-in numeric rules (see Find): the kind the
	// shared sweep finds for the rule. Only DefaultRules sets it.
	numeric numKind
	// digitFind marks the built-in rules without keywords whose matches
	// hold digits: a Redactor runs them with the digit map of the keyword
	// sweep (see digitFinder). Only DefaultRules sets it.
	digitFind digitFinder
}

// digitFinder names a built-in finder that reads a digit map: Find, where
// the keyword sweep already found the digits of the text. (A kind rather
// than a function: the scanner's digit map must not escape.)
type digitFinder uint8

const (
	noDigitFinder digitFinder = iota
	ipv4Finder
)

// find runs the finder over s.
func (f digitFinder) find(dst []Span, s string, dm *digitMap) []Span {
	switch f {
	case ipv4Finder:
		return findIPv4Wide(findIPv4Digits(dst, s, dm), s, dm)
	}
	return dst
}

// ErrInvalidRule is returned (wrapped, with the rule ID) by New and With when
// a rule is malformed: an empty or duplicate ID, a bad category, a bad
// pattern, or neither or both of Pattern and Find.
var ErrInvalidRule = errors.New("redact: invalid rule")

// defaultMaxLen is the window for keyword-anchored patterns when Rule.MaxLen
// is zero.
const defaultMaxLen = 1024

// compiled is a Rule ready to run.
type compiled struct {
	rule        Rule
	re          *regexp.Regexp // anchored ("^(?:...)") when the rule has keywords
	group       bool           // re has a capturing group
	maxLen      int
	placeholder string
}

// Redactor finds and replaces sensitive text. It is immutable after
// construction and safe for concurrent use.
type Redactor struct {
	rules []compiled
	kw    *kwIndex // keyword-driven rules; nil if there are none
	whole []int    // indices of rules without keywords (except num's)

	// The built-in numeric rules share one sweep over the digits of the
	// text (scanNumbers).
	numMask numKind
	num     [numKindCount][]int // rule indices by numKind.index

	growth int // MaxLen's factor
}

// New compiles rules into a Redactor. Rules are tried in the order given;
// the order only matters for ties (see [Rule.Priority]).
func New(rules ...Rule) (*Redactor, error) {
	cs := make([]compiled, 0, len(rules))
	seen := make(map[string]bool, len(rules))
	var errs []error
	for _, r := range rules {
		c, err := compile(r)
		if err == nil && seen[r.ID] {
			err = fmt.Errorf("%w: rule %q: duplicate id", ErrInvalidRule, r.ID)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		seen[r.ID] = true
		cs = append(cs, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return build(cs), nil
}

func compile(r Rule) (compiled, error) {
	bad := func(format string, args ...any) (compiled, error) {
		return compiled{}, fmt.Errorf("%w: rule %q: %s", ErrInvalidRule, r.ID, fmt.Sprintf(format, args...))
	}
	if r.ID == "" {
		return bad("empty id")
	}
	if !validCategory(string(r.Category)) {
		return bad("category %q is not upper-case letters, digits and underscores", r.Category)
	}
	if (r.Pattern == "") == (r.Find == nil) {
		return bad("exactly one of Pattern and Find must be set")
	}
	if r.MaxLen < 0 {
		return bad("negative MaxLen")
	}
	for _, k := range r.Keywords {
		if k == "" {
			return bad("empty keyword")
		}
	}
	c := compiled{rule: r, maxLen: r.MaxLen, placeholder: Placeholder(r.Category)}
	if c.maxLen == 0 {
		c.maxLen = defaultMaxLen
	}
	// Copy the slices so that a caller mutating its Rule later cannot change
	// a Redactor.
	c.rule.Keywords = slices.Clone(r.Keywords)
	c.rule.Examples = slices.Clone(r.Examples)
	c.rule.Negatives = slices.Clone(r.Negatives)
	if r.Pattern != "" {
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return compiled{}, fmt.Errorf("%w: rule %q: %w", ErrInvalidRule, r.ID, err)
		}
		c.group = re.NumSubexp() > 0
		if len(r.Keywords) > 0 {
			re = regexp.MustCompile(`^(?:` + r.Pattern + `)`)
		}
		c.re = re
	}
	return c, nil
}

func validCategory(c string) bool {
	if c == "" || c[0] < 'A' || c[0] > 'Z' {
		return false
	}
	for i := 0; i < len(c); i++ {
		if !isCategoryByte(c[i]) {
			return false
		}
	}
	return true
}

func build(cs []compiled) *Redactor {
	r := &Redactor{rules: cs, growth: utf8.RuneLen(utf8.RuneError)}
	var kws [][]string
	hasKW := false
	for i, c := range cs {
		r.growth = max(r.growth, len(c.placeholder))
		kws = append(kws, withTitles(c.rule.Keywords))
		if len(c.rule.Keywords) == 0 {
			if k := c.rule.numeric; k != 0 && c.re == nil {
				r.numMask |= k
				r.num[k.index()] = append(r.num[k.index()], i)
				continue
			}
			r.whole = append(r.whole, i)
		} else {
			hasKW = true
		}
	}
	if hasKW {
		r.kw = newKWIndex(kws)
	}
	return r
}

// withTitles returns kws and, after them, the form of each keyword whose
// first letter lies outside ASCII and has an upper case with that letter
// in upper case (Пароль for пароль, Şifre for şifre), where kws lacks it:
// the keyword pass folds only ASCII letters, and sentences start with a
// capital in every script that has one.
func withTitles(kws []string) []string {
	out := kws
	for _, k := range kws {
		if t := titleVariant(k); t != "" && !slices.Contains(kws, t) {
			if len(out) == len(kws) {
				out = slices.Clip(slices.Clone(kws))
			}
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

var defaultRedactor = sync.OnceValue(func() *Redactor {
	r, err := New(DefaultRules()...)
	if err != nil {
		panic(err) // the default rules are tested; this cannot happen
	}
	return r
})

// Default returns the Redactor for the default rule set ([DefaultRules]). It
// is built once and shared.
func Default() *Redactor { return defaultRedactor() }

// Rules returns a copy of the Redactor's rules, in order.
func (r *Redactor) Rules() []Rule {
	out := make([]Rule, len(r.rules))
	for i, c := range r.rules {
		out[i] = c.rule
		out[i].Keywords = slices.Clone(c.rule.Keywords)
		out[i].Examples = slices.Clone(c.rule.Examples)
		out[i].Negatives = slices.Clone(c.rule.Negatives)
	}
	return out
}

// Categories returns the distinct categories of the Redactor's rules, in rule
// order.
func (r *Redactor) Categories() []Category {
	var out []Category
	for _, c := range r.rules {
		if !slices.Contains(out, c.rule.Category) {
			out = append(out, c.rule.Category)
		}
	}
	return out
}

// MaxLen returns the most bytes [Redactor.RedactText] (and
// [Redactor.Redact]) can return for a text of n bytes, whatever the text:
// n times the longer of the longest placeholder of r's categories and the
// three bytes of U+FFFD. Every replacement replaces at least one byte of
// the input, and a run of invalid UTF-8 becomes one U+FFFD. A caller that
// must bound a redacted text's size before redacting it (to refuse a
// record that could grow past a limit) uses it.
func (r *Redactor) MaxLen(n int) int {
	return n * r.growth
}

// Without returns a Redactor that has every rule of r except those of the
// given categories. r is unchanged.
func (r *Redactor) Without(categories ...Category) *Redactor {
	cs := make([]compiled, 0, len(r.rules))
	for _, c := range r.rules {
		if !slices.Contains(categories, c.rule.Category) {
			cs = append(cs, c)
		}
	}
	return build(cs)
}

// With returns a Redactor that has the rules of r followed by rules. r is
// unchanged. It fails like [New] on a malformed rule or a duplicate ID.
func (r *Redactor) With(rules ...Rule) (*Redactor, error) {
	return New(append(r.Rules(), rules...)...)
}

// Finding is one match: s[Start:End] is the text that would be replaced. It
// never holds the matched text itself.
type Finding struct {
	RuleID   string
	Category Category
	Start    int
	End      int
}

// Find reports what one pass of Redact would replace in s, in order and
// without overlaps. Offsets are into s; if s is not valid UTF-8 they are into
// strings.ToValidUTF8(s, "\uFFFD"), which is what Redact scans.
func (r *Redactor) Find(s string) []Finding {
	var sc scanner
	ms, _, ok := sc.scan(r, s)
	if !ok {
		s, _ = toValidUTF8(s)
		sc.reset()
		ms, _, _ = sc.scan(r, s)
	}
	defer sc.release()
	if len(ms) == 0 {
		return nil
	}
	out := make([]Finding, len(ms))
	for i, m := range ms {
		c := &r.rules[m.rule]
		out[i] = Finding{RuleID: c.rule.ID, Category: c.rule.Category, Start: m.start + m.keep, End: m.end}
	}
	return out
}

// Redact returns s with every match of r's rules replaced by its placeholder,
// and the number of replacements per category. If nothing matches it returns
// s itself and nil without allocating.
//
// The output is valid UTF-8: each maximal run of invalid bytes in s becomes
// U+FFFD before scanning. Redact reads s once. With the default rules it is
// idempotent, Redact(Redact(s)) == Redact(s): their output contains nothing
// they match, because they read a placeholder as the text it replaced,
// which they had already judged (see the package documentation, and
// [Redactor.Check] for custom rules).
func (r *Redactor) Redact(s string) (string, Counts) {
	res := r.RedactText(s)
	return res.Text, res.Counts
}

// Result is what [Redactor.RedactText] makes of one text.
type Result struct {
	// Text is the redacted text (the input itself when nothing changed).
	Text string
	// Counts holds the replacements per category; nil when there were
	// none.
	Counts Counts
	// Runes is the number of characters (Unicode code points) of the
	// input, each maximal run of invalid UTF-8 counted as the one U+FFFD
	// that replaces it: utf8.RuneCountInString of the repaired input.
	Runes int
	// Invalid is the number of maximal runs of invalid UTF-8 bytes that
	// were replaced by U+FFFD.
	Invalid int
}

// RedactText is [Redactor.Redact] that also reports what the same pass
// over the text learned about it: its length in characters and how much
// invalid UTF-8 it held. A caller that needs those (to estimate tokens, to
// count repairs) need not read the text again. Invalid UTF-8 costs a second
// pass: the sweep stops at the first invalid byte, and the repaired text is
// read again.
func (r *Redactor) RedactText(s string) Result {
	var sc scanner
	ms, runes, ok := sc.scan(r, s)
	invalid := 0
	if !ok {
		s, invalid = toValidUTF8(s)
		sc.reset()
		ms, runes, _ = sc.scan(r, s)
	}
	res := Result{Text: s, Runes: runes, Invalid: invalid}
	if len(ms) > 0 {
		res.Counts = make(Counts, 2)
		res.Text = r.apply(s, ms, res.Counts)
	}
	sc.release()
	return res
}

// toValidUTF8 returns s with each maximal run of invalid UTF-8 replaced by
// U+FFFD, as strings.ToValidUTF8 does, and the number of runs replaced.
func toValidUTF8(s string) (string, int) {
	var b strings.Builder
	b.Grow(len(s))
	runs, bad := 0, false
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			if !bad {
				b.WriteRune(utf8.RuneError)
				runs++
			}
			bad = true
			i++
			continue
		}
		bad = false
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String(), runs
}

// match is a candidate or accepted match of rule r.rules[rule].
type match struct {
	start, end, keep int
	prio             int
	rule             int
}

// scan finds the matches of r's rules in s and resolves overlaps. The
// same pass counts the characters of s and checks that it is valid UTF-8:
// if it is not, scan returns ok false and nothing else, and s must be
// repaired and scanned again. The matches returned are valid until
// release.
func (sc *scanner) scan(r *Redactor, s string) (ms []match, runes int, ok bool) {
	if len(s) == 0 {
		return nil, 0, true
	}
	sc.init(r, s)
	digits := sc.digitMap()
	if runes, ok = r.kw.sweep(s, sc, digits.bits); !ok {
		return nil, 0, false
	}
	digits.ascii = runes == len(s)
	if r.numMask != 0 {
		sc.numbers(&digits)
	}
	for _, i := range r.whole {
		sc.runWhole(i, &digits)
	}
	if len(sc.ms) == 0 {
		return nil, runes, true
	}
	return resolve(sc.ms, s), runes, true
}

// scanBufs are the slices a scan fills: taken from scanPool at the first
// keyword occurrence or candidate, and put back by release, so that texts
// with matches do not grow new ones and texts without any take none.
type scanBufs struct {
	ms      []match
	scratch []Span
	digits  []byte // the digit map of a text longer than inlineDigits
}

var scanPool = sync.Pool{New: func() any { return new(scanBufs) }}

// buffers takes sc's slices from the pool, if it has none yet.
func (sc *scanner) buffers() {
	if sc.bufs == nil {
		sc.bufs = scanPool.Get().(*scanBufs)
		sc.ms, sc.scratch = sc.bufs.ms[:0], sc.bufs.scratch[:0]
	}
}

// reset makes sc ready to scan again (a repaired text): what it found is
// dropped, its buffers are kept.
func (sc *scanner) reset() {
	*sc = scanner{bufs: sc.bufs, ms: sc.ms[:0], scratch: sc.scratch[:0]}
}

// release puts sc's slices back into the pool (unless a large text grew
// them beyond maxPooled); the matches scan returned are no longer valid.
func (sc *scanner) release() {
	if b := sc.bufs; b != nil {
		b.ms, b.scratch = sc.ms[:0], sc.scratch[:0]
		sc.bufs, sc.ms, sc.scratch = nil, nil, nil
		if cap(b.ms) <= maxPooled && cap(b.scratch) <= maxPooled && cap(b.digits) <= maxPooledDigits {
			scanPool.Put(b)
		}
	}
}

// maxPooled is the most matches (or spans) a pooled slice may hold: the
// pool keeps what texts of a few hundred kilobytes need, not what a
// pathological one grew.
const maxPooled = 4096

// maxPooledDigits is the largest digit map the pool keeps: that of a
// text of 512 KiB.
const maxPooledDigits = 64 << 10

// scanner collects candidate matches during one scan.
type scanner struct {
	r       *Redactor
	s       string
	ms      []match
	scratch []Span
	bufs    *scanBufs // where ms and scratch came from, if from scanPool

	// lastOf(i) is the span of the last candidate of rule i: a keyword
	// occurrence inside it is not reported to the rule again, which keeps
	// texts like "password=password=..." linear. (A candidate missed this
	// way can only be one that overlaps the earlier one; if the earlier one
	// loses to a third match, that match's replacement extends over the
	// earlier one, and so over where the missed one starts: see resolve.)
	// The first inlineRules rules have their entry in last, the others in
	// lastMore.
	last     [inlineRules][2]int
	lastMore [][2]int

	// digitBuf holds the digit map of a text of at most inlineDigits
	// bytes (see digitMap).
	digitBuf [inlineDigits / 8]byte
}

// inlineDigits is the longest text whose digit map the scanner holds
// without taking a buffer from the pool.
const inlineDigits = 4096

// inlineRules is how many rules the scanner tracks without allocating: a
// Redactor with more rules allocates its linear-time guard on every scan.
const inlineRules = 128

// init prepares sc to scan s with r's rules.
func (sc *scanner) init(r *Redactor, s string) {
	sc.r = r
	sc.s = s
	if n := len(r.rules); n > len(sc.last) {
		sc.lastMore = make([][2]int, n-len(sc.last))
	}
}

// digitMap returns an empty digit map for s, for the sweep to fill, if r
// has numeric rules, or else an unknown one. (Its bits are not kept in
// sc: a pointer into sc stored in sc would move every scanner to the
// heap.)
func (sc *scanner) digitMap() digitMap {
	r := sc.r
	if r.numMask == 0 {
		return digitMap{}
	}
	n := digitMapLen(len(sc.s))
	if len(sc.s) <= inlineDigits {
		return digitMap{bits: sc.digitBuf[:n]}
	}
	sc.buffers()
	b := sc.bufs
	if cap(b.digits) < n {
		b.digits = make([]byte, n)
	}
	bits := b.digits[:n]
	clear(bits)
	return digitMap{bits: bits}
}

// lastOf returns the linear-time guard of rule i (see scanner.last).
func (sc *scanner) lastOf(i int) *[2]int {
	if i < len(sc.last) {
		return &sc.last[i]
	}
	return &sc.lastMore[i-len(sc.last)]
}

// hit is called by the keyword index for an occurrence of a keyword of rule i
// at offset at.
func (sc *scanner) hit(i, at int) {
	if l := sc.lastOf(i); l[0] <= at && at < l[1] {
		return
	}
	c := &sc.r.rules[i]
	sc.buffers()
	if c.re == nil {
		sc.scratch = c.rule.Find(sc.scratch[:0], sc.s, at)
		sc.addSpans(i, sc.scratch)
		return
	}
	if at > 0 && (isWord(sc.s[at-1]) || sc.s[at-1] == '-') {
		return
	}
	w := sc.s[at:min(len(sc.s), at+c.maxLen)]
	loc := c.re.FindStringSubmatchIndex(w)
	if loc == nil {
		return
	}
	if loc[1] == len(w) && len(w) < len(sc.s)-at {
		// The match reaches the end of the window: it may be longer. The
		// window is a speed hint, never a reason to leave a tail behind.
		if loc = c.re.FindStringSubmatchIndex(sc.s[at:]); loc == nil {
			return
		}
	}
	sc.addLoc(i, at, loc)
}

// numbers runs the built-in numeric finders in one sweep.
func (sc *scanner) numbers(digits *digitMap) {
	r := sc.r
	var buf [16]numSpan
	for _, m := range scanNumbers(buf[:0], sc.s, r.numMask, digits) {
		for _, i := range r.num[m.kind.index()] {
			sc.add(i, m.Span)
		}
	}
}

func (sc *scanner) runWhole(i int, digits *digitMap) {
	c := &sc.r.rules[i]
	sc.buffers()
	if f := c.rule.digitFind; f != noDigitFinder && c.re == nil {
		sc.scratch = f.find(sc.scratch[:0], sc.s, digits)
		sc.addSpans(i, sc.scratch)
		return
	}
	if c.re == nil {
		sc.scratch = c.rule.Find(sc.scratch[:0], sc.s, -1)
		sc.addSpans(i, sc.scratch)
		return
	}
	for _, loc := range c.re.FindAllStringSubmatchIndex(sc.s, -1) {
		sc.addLoc(i, 0, loc)
	}
}

// addLoc adds a regexp match (submatch indices relative to off).
func (sc *scanner) addLoc(i, off int, loc []int) {
	start, end, keep := loc[0], loc[1], 0
	if sc.r.rules[i].group {
		if loc[2] < 0 {
			return
		}
		keep = loc[2] - start
		end = loc[3]
	}
	sc.add(i, Span{Start: off + start, End: off + end, Keep: keep})
}

func (sc *scanner) addSpans(i int, spans []Span) {
	for _, sp := range spans {
		sc.add(i, sp)
	}
}

func (sc *scanner) add(i int, sp Span) {
	if sp.Start < 0 || sp.Keep < 0 || sp.Start+sp.Keep >= sp.End || sp.End > len(sc.s) {
		return // empty or out of range: ignore rather than panic
	}
	// Never cut a character in two (a length limit may stop inside one):
	// widen the replaced part to whole UTF-8 sequences.
	for sp.End < len(sc.s) && !utf8.RuneStart(sc.s[sp.End]) {
		sp.End++
	}
	red := sp.Start + sp.Keep
	for red > 0 && !utf8.RuneStart(sc.s[red]) {
		red--
	}
	for sp.Start > 0 && !utf8.RuneStart(sc.s[sp.Start]) {
		sp.Start--
	}
	sp.Keep = red - sp.Start
	if gluedToPlaceholder(sc.s, red, sp.End) {
		// The value may have gone on into what the placeholder replaced,
		// where the rule saw a longer token and refused it (see
		// placeholderEndsAt): a value is only whole when text ends it.
		return
	}
	c := &sc.r.rules[i]
	if c.rule.Validate != nil && !c.rule.Validate(sc.s[sp.Start+sp.Keep:sp.End]) {
		return
	}
	sc.buffers()
	sc.ms = append(sc.ms, match{start: sp.Start, end: sp.End, keep: sp.Keep, prio: c.rule.Priority, rule: i})
	*sc.lastOf(i) = [2]int{sp.Start, sp.End}
}

// resolve drops candidates that overlap a placeholder already in s, then
// keeps a non-overlapping subset: earliest start first, then the longest,
// then the highest priority, then the earliest rule. A loser that reaches
// beyond its winner extends the winner's replacement to its end, and one
// that lies in the text the winner keeps (a vendor prefix, a scheme) makes
// the winner keep nothing: either way no part of the loser is left in the
// output for the rules to find again.
func resolve(ms []match, s string) []match {
	slices.SortFunc(ms, func(a, b match) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		if c := cmp.Compare(b.end, a.end); c != 0 {
			return c
		}
		if c := cmp.Compare(b.prio, a.prio); c != 0 {
			return c
		}
		return cmp.Compare(a.rule, b.rule)
	})
	ph := placeholders(s)
	out := ms[:0]
	end, p := 0, 0
	for _, m := range ms {
		for p < len(ph) && ph[p][1] <= m.start {
			p++
		}
		if p < len(ph) && ph[p][0] < m.end {
			continue // overlaps a placeholder
		}
		if m.start < end {
			w := &out[len(out)-1]
			switch {
			case m.end > end:
				// The loser reaches beyond the winner: the winner's
				// replacement reaches as far.
				w.end = m.end
				end = m.end
			case m.end <= w.start+w.keep:
				// The loser lies in the text the winner keeps: keep none.
				w.keep = 0
			}
			continue
		}
		out = append(out, m)
		end = m.end
	}
	return out
}

// placeholders returns the spans of the placeholders in s, in order.
func placeholders(s string) [][2]int {
	var out [][2]int
	for i := 0; ; {
		k := strings.Index(s[i:], placeholderPrefix)
		if k < 0 {
			return out
		}
		k += i
		j := k + len(placeholderPrefix)
		for j < len(s) && isCategoryByte(s[j]) {
			j++
		}
		if j > k+len(placeholderPrefix) && j < len(s) && s[j] == ']' {
			out = append(out, [2]int{k, j + 1})
			i = j + 1
		} else {
			i = k + 1
		}
	}
}

// apply replaces the accepted matches ms in s and adds them to counts.
func (r *Redactor) apply(s string, ms []match, counts Counts) string {
	n := len(s)
	for _, m := range ms {
		n += len(r.rules[m.rule].placeholder) - (m.end - m.start - m.keep)
	}
	var b strings.Builder
	b.Grow(n)
	last := 0
	for _, m := range ms {
		c := &r.rules[m.rule]
		b.WriteString(s[last : m.start+m.keep])
		b.WriteString(c.placeholder)
		last = m.end
		counts[c.rule.Category]++
	}
	b.WriteString(s[last:])
	return b.String()
}
