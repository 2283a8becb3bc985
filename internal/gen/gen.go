// Package gen generates realistic, seeded sample inferences: chat-like
// prompts and responses across several models, some carrying personal data
// and secrets that redaction must catch. The demo, the crash harness and the
// benchmarks share it so that they all exercise the same kind of text.
package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Sample is one generated inference.
type Sample struct {
	Model, Provider, Operation string
	Prompt, Response           string
	Latency                    time.Duration
	TokensIn, TokensOut        int
	Error                      string
	ConversationID             string
	// PII is true when the prompt or response carries planted personal
	// data or a secret.
	PII bool
}

// Generator produces samples from a seed; the same seed gives the same
// sequence. A Generator is not safe for concurrent use.
type Generator struct {
	rng *rand.Rand
	// PIIRate is the fraction of samples that carry planted personal data
	// (default 0.2 from New).
	PIIRate float64
	// PIIPerSample is how many pieces of personal data a sample that
	// carries any gets, each one match for redaction; zero means one. The
	// first goes in the prompt, the next in the response, and so on
	// alternately.
	PIIPerSample int
	// PIIKinds limits the planted data to these kinds; nil means every
	// kind.
	PIIKinds []Kind
	conv     int
}

// Kind is a kind of planted personal data or secret.
type Kind string

// The kinds of planted data. Each planted piece holds exactly one thing
// for redaction to find.
const (
	Email   Kind = "email"   // an e-mail address
	Phone   Kind = "phone"   // an international phone number
	Card    Kind = "card"    // a payment card number
	IPv4    Kind = "ipv4"    // a private IPv4 address
	AWSKey  Kind = "aws-key" // an AWS access key ID
	URLCred Kind = "url-credentials"
	SSN     Kind = "ssn" // a US social security number
)

// Kinds lists every kind, in the order the generator draws them from.
func Kinds() []Kind { return []Kind{Email, Phone, Card, IPv4, AWSKey, URLCred, SSN} }

// Mix is a named setting of a Generator's planted data: which share of
// the samples carry any, how many pieces each, of which kinds.
type Mix struct {
	Name        string
	Description string
	Rate        float64
	PerSample   int
	Kinds       []Kind
}

// Mixes are the text mixes the benchmarks compare: the generator's
// default, text without personal data, one e-mail address per 2.5 samples,
// and five pieces of personal data of any kind in every sample.
var Mixes = []Mix{
	{Name: "default", Description: "one sample in five carries personal data or a secret", Rate: 0.2},
	{Name: "none", Description: "no personal data", Rate: 0},
	{Name: "email", Description: "one e-mail address per 2.5 samples", Rate: 0.4, Kinds: []Kind{Email}},
	{Name: "dense", Description: "five pieces of personal data in every sample", Rate: 1, PerSample: 5},
}

// MixNamed returns the mix of Mixes called name.
func MixNamed(name string) (Mix, bool) {
	for _, m := range Mixes {
		if m.Name == name {
			return m, true
		}
	}
	return Mix{}, false
}

// Use sets g's planted data to mix m.
func (g *Generator) Use(m Mix) {
	g.PIIRate, g.PIIPerSample, g.PIIKinds = m.Rate, m.PerSample, m.Kinds
}

// New returns a Generator seeded with seed.
func New(seed uint64) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), PIIRate: 0.2}
}

var models = []struct{ model, provider string }{
	{"phi-3-mini", "llama.cpp"},
	{"llama-3.2-3b-instruct", "llama.cpp"},
	{"qwen2.5-1.5b", "ollama"},
	{"gemma-2-2b-it", "ollama"},
	{"mistral-7b-instruct-q4", "llama.cpp"},
}

var questions = []string{
	"What is the capital of %s?",
	"Summarize the maintenance log for pump %d in two sentences.",
	"Translate 'the sensor on line %d reports high vibration' into German.",
	"Why does the temperature on node %d rise every night at 02:00?",
	"Write a short reply to the customer about order %d being delayed.",
	"Explain what error code E%d on the conveyor controller means.",
	"List three checks before restarting compressor %d.",
	"Classify this ticket: the badge reader at door %d beeps twice and stays red.",
}

var countries = []string{"France", "Japan", "Kenya", "Brazil", "Canada", "India", "Norway", "Chile"}

// piiSnippets are the planted pieces, in the order of Kinds.
var piiSnippets = []func(r *rand.Rand) string{
	func(r *rand.Rand) string {
		names := []string{"maria.garcia", "j.smith", "wei.zhang", "a.kowalski", "priya.n"}
		return fmt.Sprintf("Please email %s@%s with the result.", names[r.IntN(len(names))], []string{"example.com", "plant-7.example.org", "mail.example.net"}[r.IntN(3)])
	},
	func(r *rand.Rand) string {
		return fmt.Sprintf("Call the technician on +44 20 7946 %04d if it fails again.", r.IntN(10000))
	},
	func(r *rand.Rand) string { return "My card 4111 1111 1111 1111 was charged twice for the spare parts." },
	func(r *rand.Rand) string {
		return fmt.Sprintf("The gateway at 10.%d.%d.%d stopped answering.", r.IntN(256), r.IntN(256), 1+r.IntN(254))
	},
	func(r *rand.Rand) string {
		return "Use this key for the upload: AKIAZ2LMNB5TQRA7XYZ9, it should still work."
	},
	func(r *rand.Rand) string {
		return "Connect with postgres://admin:hunter2@db.internal:5432/telemetry and check."
	},
	func(r *rand.Rand) string { return "My SSN is 219-09-9999, the HR form needs it." },
}

var filler = strings.Fields(`the line operator reported that the unit restarted twice during the
night shift and the logs show a voltage dip before each restart while the ambient temperature
stayed within limits so the most likely cause is the supply rail or a loose connector on the
controller board which should be inspected before the next production run together with the
firmware version and the calibration date recorded in the maintenance sheet`)

// Next returns the next sample, with prompt plus response of about size
// bytes (at least a short sentence each).
func (g *Generator) Next(size int) Sample {
	r := g.rng
	m := models[r.IntN(len(models))]
	s := Sample{Model: m.model, Provider: m.provider, Operation: "chat"}
	q := questions[r.IntN(len(questions))]
	if strings.Contains(q, "%s") {
		q = fmt.Sprintf(q, countries[r.IntN(len(countries))])
	} else {
		q = fmt.Sprintf(q, 1+r.IntN(999))
	}
	prompt, response := q, "Here is what I found."
	if r.Float64() < g.PIIRate {
		for i := range max(1, g.PIIPerSample) {
			p := " " + g.snippet()
			if i%2 == 0 {
				prompt += p
			} else {
				response += p
			}
		}
		s.PII = true
	}
	promptSize := size / 3
	s.Prompt = pad(r, prompt, promptSize)
	s.Response = pad(r, response, size-len(s.Prompt))
	s.Latency = time.Duration(40+r.IntN(900)) * time.Millisecond
	s.TokensIn = len(s.Prompt) / 4
	s.TokensOut = len(s.Response) / 4
	if r.IntN(50) == 0 {
		s.Error = "timeout"
	}
	if r.IntN(4) == 0 {
		g.conv++
	}
	s.ConversationID = fmt.Sprintf("conv-%06d", g.conv)
	return s
}

// snippet returns one planted piece of a kind g allows.
func (g *Generator) snippet() string {
	if len(g.PIIKinds) == 0 {
		return piiSnippets[g.rng.IntN(len(piiSnippets))](g.rng)
	}
	k := g.PIIKinds[g.rng.IntN(len(g.PIIKinds))]
	i := slices.Index(Kinds(), k)
	if i < 0 {
		panic("gen: unknown kind " + string(k))
	}
	return piiSnippets[i](g.rng)
}

// pad extends text with filler words to about n bytes.
func pad(r *rand.Rand, text string, n int) string {
	if len(text) >= n {
		return text
	}
	var b strings.Builder
	b.Grow(n + 16)
	b.WriteString(text)
	for b.Len() < n {
		b.WriteByte(' ')
		b.WriteString(filler[r.IntN(len(filler))])
	}
	return b.String()
}
