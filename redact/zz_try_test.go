package redact_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/lowlightlog/llog/redact"
)

func TestTry(t *testing.T) {
	f, _ := os.Open(os.Getenv("TRY"))
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out, _ := redact.Default().Redact(sc.Text())
		fmt.Println(out)
	}
}

func TestTryFind(t *testing.T) {
	b, _ := os.ReadFile(os.Getenv("TRY"))
	for line := range strings.Lines(string(b)) {
		for _, f := range redact.Default().Find(line) {
			switch f.Category {
			case redact.Phone, redact.CreditCard, redact.SSN, redact.IBAN:
				fmt.Printf("%s %q in %q\n", f.Category, line[f.Start:f.End], strings.TrimSpace(line))
			}
		}
	}
}
