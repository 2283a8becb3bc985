package main

import (
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Trie depths. The international trie goes intlDepth digits into the
// national significant number after the country calling code, deeper where the first digits of
// every number are an area code that must be checked whole (North America's
// three-digit area codes). The national trie goes natDepth digits into the
// number as written at home, trunk prefix included.
const (
	intlDepth = 1
	natDepth  = 4
)

// intlDeeper holds the calling codes whose international trie goes deeper.
var intlDeeper = map[string]int{"1": 3}

// Length limits, in written digits. National masks are 16 bits wide: a
// number written at home with more than 15 digits is not one llog looks for.
const (
	minLen    = 6
	maxNatLen = 15
)

// nationalRegions are the regions whose national formats the national trie
// holds: the twenty most populous countries, the member states of the EU,
// and other countries whose numbers are common in the text llog sees.
// International formats ("+CC ...", "00CC ...") cover every region.
var nationalRegions = []string{
	// The twenty most populous countries.
	"IN", "CN", "US", "ID", "PK", "NG", "BR", "BD", "RU", "ET",
	"MX", "JP", "EG", "PH", "CD", "VN", "IR", "TR", "DE", "TH",
	// The EU member states not listed above.
	"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
	"GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL",
	"PT", "RO", "SK", "SI", "ES", "SE",
	// Others.
	"GB", "KR", "CA", "AU", "ZA", "CO", "AR", "KE", "TZ", "SA",
	"AE", "CH", "UA",
}

// fictional lists number ranges reserved for fiction and documentation that
// text uses as phone numbers although no plan assigns them: North American
// 555 area code numbers such as (555) 010-1234. They are added to the
// region's fixed-line and mobile patterns.
var fictional = map[string]string{
	"US": `555\d{7}`,
}

// natLeaf is what the national trie keeps for one written prefix.
type natLeaf struct {
	valid  uint16 // bit n: a valid number of n written digits has this prefix
	trunk  uint16 // bit n: ... written with a trunk prefix
	mobile uint16 // bit n: ... that is a mobile number
	sigs   map[string]bool
}

func (l *natLeaf) merge(o *natLeaf) {
	l.valid |= o.valid
	l.trunk |= o.trunk
	l.mobile |= o.mobile
	for s := range o.sigs {
		l.addSig(s)
	}
}

func (l *natLeaf) addSig(s string) {
	if l.sigs == nil {
		l.sigs = map[string]bool{}
	}
	l.sigs[s] = true
}

func (l *natLeaf) sortedSigs() []string {
	sigs := make([]string, 0, len(l.sigs))
	for s := range l.sigs {
		sigs = append(sigs, s)
	}
	slices.Sort(sigs)
	return sigs
}

// tnode is a node of a trie under construction. Its leaf is a *natLeaf in
// the national trie and a uint32 length mask in the international one.
type tnode[L any] struct {
	kids [10]*tnode[L]
	leaf *L
}

func (t *tnode[L]) insert(path string, l *L, merge func(dst, src *L)) {
	n := t
	for i := 0; i < len(path); i++ {
		d := path[i] - '0'
		if n.kids[d] == nil {
			n.kids[d] = &tnode[L]{}
		}
		n = n.kids[d]
	}
	if n.leaf == nil {
		n.leaf = new(L)
	}
	merge(n.leaf, l)
}

func (t *tnode[L]) inner() bool {
	for _, k := range t.kids {
		if k != nil {
			return true
		}
	}
	return false
}

// pushDown moves the leaf of a node that also has children into every leaf
// below it, so that only childless nodes hold leaves.
func (t *tnode[L]) pushDown(merge func(dst, src *L)) {
	if !t.inner() {
		return
	}
	if t.leaf != nil {
		for d := range t.kids {
			if t.kids[d] == nil {
				t.kids[d] = &tnode[L]{}
			}
			t.kids[d].absorb(t.leaf, merge)
		}
		t.leaf = nil
	}
	for _, k := range t.kids {
		if k != nil {
			k.pushDown(merge)
		}
	}
}

func (t *tnode[L]) absorb(l *L, merge func(dst, src *L)) {
	if !t.inner() || t.leaf != nil {
		if t.leaf == nil {
			t.leaf = new(L)
		}
		merge(t.leaf, l)
		return
	}
	for d := range t.kids {
		if t.kids[d] == nil {
			t.kids[d] = &tnode[L]{}
		}
		t.kids[d].absorb(l, merge)
	}
}

// region is the metadata of one region (or non-geographical entity) that
// the generator uses.
type region struct {
	id      string
	cc      string
	np      string // national (trunk) prefix, "" if none
	valid   *digitNFA
	mobile  *digitNFA
	formats []numFormat // in metadata order
}

type numFormat struct {
	lengths uint32         // bit n: the pattern can match n digits
	leading *regexp.Regexp // the most specific leading-digits pattern, anchored at the start; nil if none
	pattern *regexp.Regexp // the whole-number pattern, anchored at both ends
	rule    string         // national prefix formatting rule ("0$1", "($1)", ...), "" if none
	opt     bool           // the national prefix is optional when formatting
}

func loadRegions() ([]*region, error) {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil, err
	}
	// Regions that share a calling code take their formats from the main
	// country for the code when they have none of their own (as
	// libphonenumber does: Canada formats like the United States).
	main := map[int32]*phonenumbers.PhoneMetadata{}
	for _, m := range coll.GetMetadata() {
		if m.GetMainCountryForCode() {
			main[m.GetCountryCode()] = m
		}
	}
	var out []*region
	for _, m := range coll.GetMetadata() {
		fm := m
		if len(m.GetNumberFormat()) == 0 && main[m.GetCountryCode()] != nil {
			fm = main[m.GetCountryCode()]
		}
		r, err := newRegion(m, fm)
		if err != nil {
			return nil, fmt.Errorf("region %s: %w", m.GetId(), err)
		}
		if r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}

func newRegion(m, fm *phonenumbers.PhoneMetadata) (*region, error) {
	descs := []*phonenumbers.PhoneNumberDesc{
		m.GetFixedLine(), m.GetMobile(), m.GetTollFree(), m.GetPremiumRate(), m.GetSharedCost(),
		m.GetPersonalNumber(), m.GetVoip(), m.GetPager(), m.GetUan(), m.GetVoicemail(),
	}
	var valid, mobile []string
	for _, d := range descs {
		if p := d.GetNationalNumberPattern(); p != "" && p != "NA" {
			valid = append(valid, p)
		}
	}
	if p := m.GetMobile().GetNationalNumberPattern(); p != "" && p != "NA" {
		mobile = append(mobile, p)
	}
	if f, ok := fictional[m.GetId()]; ok {
		valid = append(valid, f)
		mobile = append(mobile, f)
	}
	if len(valid) == 0 {
		return nil, nil
	}
	if len(mobile) == 0 {
		mobile = []string{`[^\d]`} // matches no string of digits
	}
	r := &region{id: m.GetId(), cc: strconv.Itoa(int(m.GetCountryCode())), np: m.GetNationalPrefix()}
	var err error
	if r.valid, err = compileDigits(alt(valid)); err != nil {
		return nil, err
	}
	if r.mobile, err = compileDigits(alt(mobile)); err != nil {
		return nil, err
	}
	for _, f := range fm.GetNumberFormat() {
		nf := numFormat{
			pattern: regexp.MustCompile(`^(?:` + f.GetPattern() + `)$`),
			rule:    f.GetNationalPrefixFormattingRule(),
			opt:     f.GetNationalPrefixOptionalWhenFormatting(),
		}
		p, err := compileDigits(f.GetPattern())
		if err != nil {
			return nil, err
		}
		nf.lengths = p.mask(p.start)
		if ld := f.GetLeadingDigitsPattern(); len(ld) > 0 {
			nf.leading = regexp.MustCompile(`^(?:` + ld[len(ld)-1] + `)`)
		}
		r.formats = append(r.formats, nf)
	}
	return r, nil
}

func alt(ps []string) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('|')
		}
		b.WriteString("(?:" + p + ")")
	}
	return b.String()
}

// chooseFormat returns the format libphonenumber uses for the national
// significant number nsn, or nil.
func (r *region) chooseFormat(nsn string) *numFormat {
	for i := range r.formats {
		f := &r.formats[i]
		if f.lengths&(1<<len(nsn)) == 0 || f.leading != nil && !f.leading.MatchString(nsn) {
			continue
		}
		if f.pattern.MatchString(nsn) {
			return f
		}
	}
	return nil
}

// writtenForms reports how the plan writes nsn at home: without a trunk
// prefix (plain: the group lengths; nil if never), and whether with one.
func (r *region) writtenForms(nsn string) (plain []int, trunk bool) {
	f := r.chooseFormat(nsn)
	if f == nil {
		return []int{len(nsn)}, false // formatted as one run of digits
	}
	m := f.pattern.FindStringSubmatchIndex(nsn)
	var groups []int
	for i := 2; i+1 < len(m); i += 2 {
		if m[i] >= 0 && m[i+1] > m[i] {
			groups = append(groups, m[i+1]-m[i])
		}
	}
	if len(groups) == 0 {
		groups = []int{len(nsn)}
	}
	usesNP := r.np != "" && strings.Contains(f.rule, r.np) && strings.Contains(f.rule, "$1")
	if !usesNP || f.opt {
		plain = groups
	}
	return plain, r.np != "" && (usesNP || f.opt)
}

// walk calls visit for every viable prefix of exactly depth written digits
// of region r's numbers written as lead + national significant number,
// with the NFA states after it and the written lengths reachable (bit n: n
// digits in all).
func (r *region) walk(lead string, depth int, visit func(written string, vs []int, lengths uint32)) {
	var rec func(nsn []byte, vs []int)
	rec = func(nsn []byte, vs []int) {
		written := len(lead) + len(nsn)
		m := r.valid.mask(vs)
		if m == 0 {
			return
		}
		if written == depth {
			visit(lead+string(nsn), vs, m<<written)
			return
		}
		for d := byte('0'); d <= '9'; d++ {
			if nv := r.valid.step(vs, d); nv != nil {
				rec(append(nsn, d), nv)
			}
		}
	}
	rec(nil, r.valid.start)
}

// buildIntl builds the international trie: country calling code, then the
// national significant number. A leaf is a mask of total lengths.
func buildIntl(regions []*region) *tnode[uint32] {
	root := &tnode[uint32]{}
	merge := func(dst, src *uint32) { *dst |= *src }
	for _, r := range regions {
		leads := []string{r.cc}
		depth := intlDepth
		if d, ok := intlDeeper[r.cc]; ok {
			depth = d
		}
		for _, lead := range leads {
			r.walk(lead, len(lead)+depth, func(written string, _ []int, lengths uint32) {
				m := lengths &^ (1<<minLen - 1)
				root.insert(written, &m, merge)
			})
		}
	}
	root.pushDown(merge)
	return root
}

// buildNational builds the national trie of nationalRegions: each number as
// its plan writes it at home, with the trunk prefix where the plan writes
// one, and for numbers written without one the group lengths the plan
// writes them in.
func buildNational(regions []*region) (*tnode[natLeaf], error) {
	byID := map[string]*region{}
	for _, r := range regions {
		byID[r.id] = r
	}
	// Each region is walked on its own goroutine (its automata are its
	// own); the leaves are inserted in nationalRegions order.
	type entry struct {
		written string
		leaf    *natLeaf
	}
	found := make([][]entry, len(nationalRegions))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, id := range nationalRegions {
		r := byID[id]
		if r == nil {
			return nil, fmt.Errorf("no metadata for region %s", id)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			leads := []string{""}
			if r.np != "" {
				leads = append(leads, r.np)
			}
			for _, lead := range leads {
				r.walk(lead, natDepth, func(written string, vs []int, lengths uint32) {
					if l := r.nationalLeaf(lead, written, vs, lengths); l.valid != 0 {
						found[i] = append(found[i], entry{written, l})
					}
				})
			}
		}()
	}
	wg.Wait()
	root := &tnode[natLeaf]{}
	merge := func(dst, src *natLeaf) { dst.merge(src) }
	for _, es := range found {
		for _, e := range es {
			root.insert(e.written, e.leaf, merge)
		}
	}
	root.pushDown(merge)
	return root, nil
}

// nationalLeaf returns what the national trie keeps for the written prefix
// of region r's numbers written as lead + national significant number (vs
// is the NFA state after it; lengths the written lengths reachable).
func (r *region) nationalLeaf(lead, written string, vs []int, lengths uint32) *natLeaf {
	l := &natLeaf{}
	nsn := written[len(lead):]
	for n := minLen; n <= maxNatLen; n++ {
		if lengths&(1<<n) == 0 {
			continue
		}
		for _, ex := range examples(r.valid, []byte(nsn), vs, n-len(written)) {
			plain, trunk := r.writtenForms(ex)
			if lead == "" && plain == nil || lead != "" && !trunk {
				continue // the plan does not write ex this way
			}
			l.valid |= 1 << n
			if lead != "" {
				l.trunk |= 1 << n
			} else {
				l.addSig(sigString(plain))
			}
			if r.mobile.matches(ex) {
				l.mobile |= 1 << n
			}
		}
	}
	return l
}

// examples returns valid numbers that start with prefix (whose NFA state is
// set) and have rest more digits: the smallest completion after each viable
// next digit.
func examples(n *digitNFA, prefix []byte, set []int, rest int) []string {
	if rest == 0 {
		if n.mask(set)&1 != 0 {
			return []string{string(prefix)}
		}
		return nil
	}
	var out []string
	for d := byte('0'); d <= '9'; d++ {
		next := n.step(set, d)
		if n.mask(next)&(1<<(rest-1)) == 0 {
			continue
		}
		if ex, ok := n.complete(append(slices.Clip(prefix), d), next, rest-1); ok {
			out = append(out, string(ex))
		}
	}
	return out
}

func sigString(groups []int) string {
	b := make([]byte, len(groups))
	for i, g := range groups {
		b[i] = byte(g)
	}
	return string(b)
}
