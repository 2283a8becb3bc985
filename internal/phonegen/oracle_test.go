package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
	"github.com/nyaruka/phonenumbers"
)

// These tests hold redact's phone rule against libphonenumber itself.

var exampleTypes = []phonenumbers.PhoneNumberType{
	phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE,
	phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.UAN,
}

// redactsWhole reports whether redacting "see " + number + " today" leaves
// no digit of the number and finds a PHONE.
func redactsWhole(number string) (string, bool) {
	line := "see " + number + " today"
	out, counts := redact.Default().Redact(line)
	mid := strings.TrimSuffix(strings.TrimPrefix(out, "see "), " today")
	return out, counts[redact.Phone] > 0 && !strings.ContainsAny(mid, "0123456789")
}

// TestExampleNumbersInternational: libphonenumber's example number of every
// type of every region, written in its international and E.164 formats, is
// redacted whole.
func TestExampleNumbersInternational(t *testing.T) {
	n := 0
	for region := range phonenumbers.GetSupportedRegions() {
		for _, ty := range exampleTypes {
			ex := phonenumbers.GetExampleNumberForType(region, ty)
			if ex == nil {
				continue
			}
			for _, f := range []phonenumbers.PhoneNumberFormat{phonenumbers.INTERNATIONAL, phonenumbers.E164} {
				num := phonenumbers.Format(ex, f)
				if d := len(strings.Map(keepDigit, num)); d < 7 || d > 15 {
					continue // short codes, and numbers longer than E.164 allows
				}
				n++
				if out, ok := redactsWhole(num); !ok {
					t.Errorf("%s %v: %q -> %q", region, ty, num, out)
				}
			}
		}
	}
	t.Logf("%d numbers", n)
}

// nationalExceptions are national formats the rule does not take even
// after a phone word: parentheses around a trunk prefix and an area code
// together.
var nationalExceptions = map[string]bool{
	"HU (06 1) 234 5678": true,
	"LT (0-612) 34567":   true,
	"LT (0-312) 34567":   true,
}

// TestExampleNumbersNational: the example fixed-line and mobile numbers of
// every region of the national table, written as libphonenumber formats
// them at home, are redacted whole; those the rule leaves to a phone word
// (numbers of fewer than nine digits without a trunk prefix: 34 41 23 45,
// 5123 4567) are redacted whole after one.
func TestExampleNumbersNational(t *testing.T) {
	for _, region := range nationalRegions {
		np := phonenumbers.GetNddPrefixForRegion(region, true)
		for _, ty := range []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE} {
			ex := phonenumbers.GetExampleNumberForType(region, ty)
			if ex == nil {
				continue
			}
			num := phonenumbers.Format(ex, phonenumbers.NATIONAL)
			if nationalExceptions[region+" "+num] {
				continue
			}
			digits := strings.Map(keepDigit, num)
			out, ok := redactsWhole(num)
			if !ok && (np == "" || !strings.HasPrefix(digits, np)) && len(digits) < 9 {
				out, ok = redactsWhole("tel. " + num)
			}
			if !ok {
				t.Errorf("%s %v: %q -> %q", region, ty, num, out)
			}
		}
	}
}

func keepDigit(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

// TestInternationalAgreement draws random numbers after a '+' and compares
// the rule with libphonenumber's IsValidNumber: every valid number must be
// taken, and the rule (which looks only at lengths and the first digits)
// may take some invalid ones, at a rate the test reports and bounds.
func TestInternationalAgreement(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	codes := []int{}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		codes = append(codes, cc)
	}
	valid, taken, invalidTaken, invalid := 0, 0, 0, 0
	for range 20000 {
		cc := codes[rng.IntN(len(codes))]
		var b strings.Builder
		b.WriteString("+" + strconv.Itoa(cc))
		l := 6 + rng.IntN(8)
		for range l {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		num := b.String()
		if len(num)-1 > 15 {
			continue
		}
		pn, err := phonenumbers.Parse(num, "")
		if err == nil && "+"+strconv.Itoa(cc)+phonenumbers.GetNationalSignificantNumber(pn) != num {
			continue // parsing rewrote it (San Marino's and Madagascar's short forms)
		}
		isValid := err == nil && phonenumbers.IsValidNumber(pn)
		_, ok := redactsWhole(num)
		if isValid {
			valid++
			if ok {
				taken++
			} else {
				t.Errorf("valid %s not taken", num)
			}
		} else {
			invalid++
			if ok {
				invalidTaken++
			}
		}
	}
	rate := float64(invalidTaken) / float64(invalid)
	t.Logf("valid %d (taken %d); invalid %d, taken %d (%.1f%%)", valid, taken, invalid, invalidTaken, 100*rate)
	if rate > 0.2 {
		t.Errorf("the rule takes %.0f%% of invalid numbers", 100*rate)
	}
}
