package redact_test

import (
	"fmt"

	"github.com/lowlightlog/llog/redact"
)

func ExampleRedactor_Redact() {
	out, counts := redact.Default().Redact("Mail john@example.com or call +44 20 7946 0958; token=ghp_16C7e42F292c6912E7710c838347Ae178B4a")
	fmt.Println(out)
	fmt.Println(counts)
	// Output:
	// Mail [REDACTED:EMAIL] or call [REDACTED:PHONE]; token=ghp_[REDACTED:GITHUB_TOKEN]
	// map[EMAIL:1 GITHUB_TOKEN:1 PHONE:1]
}

func ExampleRedactor_Without() {
	r := redact.Default().Without(redact.IPv4, redact.IPv6)
	out, _ := r.Redact("login from 10.1.2.3 by admin@example.com")
	fmt.Println(out)
	// Output:
	// login from 10.1.2.3 by [REDACTED:EMAIL]
}

func ExampleRedactor_With() {
	r, err := redact.Default().With(redact.Rule{
		ID:          "employee-id",
		Category:    "EMPLOYEE_ID",
		Description: "internal employee number, prefix kept",
		Keywords:    []string{"EMP-"},
		Pattern:     `EMP-([0-9]{6})\b`,
		Examples:    []string{"EMP-123456"},
		Negatives:   []string{"EMP-12"},
	})
	if err != nil {
		panic(err)
	}
	if err := r.Check(); err != nil {
		panic(err)
	}
	out, counts := r.Redact("ticket assigned to EMP-123456")
	fmt.Println(out, counts)
	// Output:
	// ticket assigned to EMP-[REDACTED:EMPLOYEE_ID] map[EMPLOYEE_ID:1]
}
