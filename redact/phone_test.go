package redact_test

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
)

// numericFindings returns the PHONE, CREDIT_CARD, SSN and IBAN findings of
// the default rules in s, as "CATEGORY:text".
func numericFindings(s string) []string {
	var out []string
	for _, f := range redact.Default().Find(s) {
		switch f.Category {
		case redact.Phone, redact.CreditCard, redact.SSN, redact.IBAN:
			out = append(out, fmt.Sprintf("%s:%s", f.Category, s[f.Start:f.End]))
		}
	}
	return out
}

// numberCases are texts of the shapes users paste, with every numeric
// finding they hold, in order.
var numberCases = []struct {
	text string
	want []string
}{
	// National numbers without a '+' or a phone word, by number plan.
	{"My CN number is 13812345678", []string{"PHONE:13812345678"}},
	{"请拨打13800138000联系客服", []string{"PHONE:13800138000"}},
	{"reach me on 0917 123 4567 after lunch", []string{"PHONE:0917 123 4567"}},
	{"Numaram 0532 123 45 67, arayın", []string{"PHONE:0532 123 45 67"}},
	{"ring 07911 123456 or 020 7946 0958", []string{"PHONE:07911 123456", "PHONE:020 7946 0958"}},
	{"zadzwoń 512 345 678", []string{"PHONE:512 345 678"}},
	{"Mi móvil es 612 34 56 78", []string{"PHONE:612 34 56 78"}},
	{"Il mio cellulare 333 123 4567", []string{"PHONE:333 123 4567"}},
	{"мой 8 (916) 123-45-67", []string{"PHONE:8 (916) 123-45-67"}},
	{"89161234567 — пишите", []string{"PHONE:89161234567"}},
	{"SE: 070-123 45 67", []string{"PHONE:070-123 45 67"}},
	{"Liên hệ 0912 345 678", []string{"PHONE:0912 345 678"}},
	{"Hubungi 0812-345-678", []string{"PHONE:0812-345-678"}},
	{"(212) 555-0100 and 1-800-555-0199", []string{"PHONE:(212) 555-0100", "PHONE:1-800-555-0199"}},
	{"Ligue para (11) 91234-5678", []string{"PHONE:(11) 91234-5678"}},
	{"mobile 0612345678 and 09171234567", []string{"PHONE:0612345678", "PHONE:09171234567"}},
	{"Zentrale: 030 / 123 456-0, Durchwahl 030 123456-78", []string{"PHONE:030 / 123 456-0", "PHONE:030 123456-78"}},
	{"cep: 0532 987 65 43", []string{"PHONE:0532 987 65 43"}},
	// A phone word, or a table column headed by one.
	{"कॉल करें 9812345678", []string{"PHONE:9812345678"}},
	{"id,name,mobile\n7,Ravi,9812345678\n8,Mia,9898989898", []string{"PHONE:9812345678", "PHONE:9898989898"}},
	{"id\tname\tscore\n7\tRavi\t9812345678", nil},
	// International formats.
	{"+44 (0)20 7946 0958 / +49 030 1234567", []string{"PHONE:+44 (0)20 7946 0958", "PHONE:+49 030 1234567"}},
	{"call 0044 20 7946 0958", []string{"PHONE:0044 20 7946 0958"}},
	{"+8613812345678", []string{"PHONE:+8613812345678"}},
	{"chat on https://wa.me/447700900123 or wa.me/15550101234?text=hi", []string{"PHONE:447700900123", "PHONE:15550101234"}},
	{"see https://example.com/docs/447700900123", nil},
	// CSV rows: a phone number and a card number between commas.
	{"1,Henry,+13055550139,4191187981435403", []string{"PHONE:+13055550139", "CREDIT_CARD:4191187981435403"}},
	{"2,Ana,0917 123 4567,5555555555554444,x", []string{"PHONE:0917 123 4567", "CREDIT_CARD:5555555555554444"}},
	// Full-width digits and punctuation, other digits, typographic
	// separators.
	{"電話：０９０－５０６８－７０５８", []string{"PHONE:０９０－５０６８－７０５８"}},
	{"カード ４１１１ １１１１ １１１１ １１１１", []string{"CREDIT_CARD:４１１１ １１１１ １１１１ １１１１"}},
	{"＋８１ ９０ １２３４ ５６７８", []string{"PHONE:＋８１ ９０ １２３４ ５６７８"}},
	{"رقمي ٠٥٠١٢٣٤٥٦٧ شكرا", []string{"PHONE:٠٥٠١٢٣٤٥٦٧"}},
	{"appelez le 06\u00a012\u00a034\u00a056\u00a078", []string{"PHONE:06\u00a012\u00a034\u00a056\u00a078"}},
	{"+33\u202f6\u202f12\u202f34\u202f56\u202f78", []string{"PHONE:+33\u202f6\u202f12\u202f34\u202f56\u202f78"}},
	{"phone 555\u2013010\u20131234", []string{"PHONE:555\u2013010\u20131234"}},
	{"SSN ０７８－０５－１１２０", []string{"SSN:０７８－０５－１１２０"}},
	// Not phone numbers: IBAN tails, MACs, order and invoice numbers,
	// ABNs, versions, builds, dates, decimals, ZIP+4.
	{"IBAN DE89 3704 0044 0532 0130 01 (typo)", nil},
	{"GB82 WEST 1234 5698 7654 33", nil},
	{"MAC 00:1A:2B:3C:4D:5E, 00-11-22-33-44-55, 0012.3456.7890", nil},
	{"Order number 0171 1234567 shipped", nil},
	{"Bestellnummer: 0171 1234567", nil},
	{"invoice 030 12345678 is due", nil},
	{"tracking no. 09171234567", nil},
	{"订单号13812345678已发货", nil},
	{"ABN 51 824 753 556", nil},
	{"Ordernummer 0687654321, Sipariş no 05329876543", nil},
	{"주문번호 01098765432, Mã đơn hàng 0987654321", nil},
	{"DHL 1234 5678 9012 and FedEx 7712 3456 7891", nil},
	{"CEP 04567-000, São Paulo", nil},
	{"IMEI 356938035643809", nil},
	// Amounts, ranges and lists are not phone numbers without a phone word.
	{"The seasons 2019-2020 and 2020-2021; between 1990 2000 and 2010 2020", nil},
	{"population 20 000 000 and a budget of 500 000 000 €", nil},
	{"Revenue: 1 234 567 890 USD; we sold 612 345 678 units", nil},
	{"the sequence 20 21 22 23 then 24 25 26 27", nil},
	{"hexdump: 00000010  4b 03 04 14 00 00 00 08 00 21 00 b4 5c 0a 7e 12", nil},
	{"call 1 2 3 4 5 6 7 8 9 10 11 12", nil},
	// A list of phone numbers is a list of phone numbers.
	{"0171 1234567, 0172 2345678, 0173 3456789, 0175 5678901", []string{
		"PHONE:0171 1234567", "PHONE:0172 2345678", "PHONE:0173 3456789", "PHONE:0175 5678901"}},
	{"Dzwoń: 612 345 678; tlf. 34 41 23 45", []string{"PHONE:612 345 678", "PHONE:34 41 23 45"}},
	{"Kasia: 601 987 654", []string{"PHONE:601 987 654"}},
	// Short phone words count only as whole words.
	{"Tel.: 12345678, Telnr 87654321", []string{"PHONE:12345678", "PHONE:87654321"}},
	{"telemetry: 12345678 events; calls: 23456789; cells 34567890", nil},
	{"build 2024.01.15.1234 and version 1.10.48.204", nil},
	{"released 2024-01-15, due 15/01/2024", nil},
	{"[15631.549600] brcmfmac: power save enabled", nil},
	{"Boston, MA 02110-1301", nil},
	{"Population 8045311447 in 2023, epoch 1705312200", nil},
	{"Part number 123-45-678 and 12-345-6789.", nil},
	{"scores 20 21 22 23 24 25 26 27 28", nil},
	{"1,048,576 bytes", nil},
}

// TestNumbers pins what the numeric rules find in numberCases.
func TestNumbers(t *testing.T) {
	for _, c := range numberCases {
		got := numericFindings(c.text)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q:\n got %q\nwant %q", c.text, got, c.want)
		}
	}
}

// TestWideDigitsRedactedWhole: numbers in other digits leave none of their
// digits behind.
func TestWideDigitsRedactedWhole(t *testing.T) {
	for _, s := range []string{"０９０－５０６８－７０５８", "٠٥٠١٢٣٤٥٦٧", "०९८७६५४३२१०"} {
		out, _ := redact.Default().Redact("tel " + s)
		if strings.ContainsAny(out, s) {
			t.Errorf("%q -> %q", s, out)
		}
	}
}

// BenchmarkNumberCandidates runs the numeric rules over the texts of
// numberCases, one Find each, and reports the CPU time per text
// (cpu-ns/text): the cost of deciding about one phone-shaped number in a
// short text.
func BenchmarkNumberCandidates(b *testing.B) {
	var rules []redact.Rule
	for _, r := range redact.DefaultRules() {
		switch r.Category {
		case redact.Phone, redact.CreditCard, redact.SSN, redact.IBAN:
			rules = append(rules, r)
		}
	}
	r, err := redact.New(rules...)
	if err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0, ok := threadCPUTime()
	n := 0
	for b.Loop() {
		for _, c := range numberCases {
			r.Find(c.text)
		}
		n += len(numberCases)
	}
	if cpu1, _ := threadCPUTime(); ok && cpu1 > cpu0 {
		b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(n), "cpu-ns/text")
	}
}
