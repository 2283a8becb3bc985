package main

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/canon"
)

// OTLP/JSON export: one ExportTraceServiceRequest (otlp-traces) or
// ExportLogsServiceRequest (otlp-logs) per line, as the OpenTelemetry
// Collector's file exporter writes and its otlpjsonfile receiver reads.
// The encoding follows OTLP/JSON: lowerCamelCase member names, trace and
// span ids as lower-case hex, 64-bit integers (times, intValue) as decimal
// strings, enums (span kind, status code, severity) as integers. See
// "OTLP" in the package documentation for what each record becomes.

// otlpScope is the instrumentation scope named in every request.
const otlpScope = "github.com/lowlightlog/llog"

// OTLP enum values.
const (
	spanKindClient  = 3  // SPAN_KIND_CLIENT
	statusCodeError = 2  // STATUS_CODE_ERROR
	severityInfo    = 9  // SEVERITY_NUMBER_INFO
	severityError   = 17 // SEVERITY_NUMBER_ERROR
)

// otlpEventName names the log record of an inference: the GenAI
// conventions' event for the details of one inference operation.
const otlpEventName = "gen_ai.client.inference.operation.details"

// otlpEncoder writes records as OTLP/JSON requests, up to batch records
// per line.
type otlpEncoder struct {
	logs    bool   // otlp-logs, else otlp-traces
	content bool   // --include-content
	storeID string // hex
	batch   int

	line []byte // the request being built
	n    int    // records in it
}

// add appends r to the current request and returns a complete line when
// the batch is full.
func (o *otlpEncoder) add(r *llog.Record) []byte {
	if o.n > 0 {
		o.line = append(o.line, ',')
	} else {
		o.line = o.appendHead(o.line[:0])
	}
	if o.logs {
		o.line = o.appendLogRecord(o.line, r)
	} else {
		o.line = o.appendSpan(o.line, r)
	}
	if o.n++; o.n >= o.batch {
		return o.finish()
	}
	return nil
}

// finish ends the current request and returns it as a line, or nil when
// it holds no record.
func (o *otlpEncoder) finish() []byte {
	if o.n == 0 {
		return nil
	}
	o.n = 0
	o.line = append(o.line, "]}]}]}\n"...)
	return o.line
}

// appendHead opens a request: the resource (service.name llog and the
// store id) and the scope, up to the list of spans or log records.
func (o *otlpEncoder) appendHead(b []byte) []byte {
	if o.logs {
		b = append(b, `{"resourceLogs":[{"resource":{"attributes":[`...)
	} else {
		b = append(b, `{"resourceSpans":[{"resource":{"attributes":[`...)
	}
	b = appendStringAttr(b, "service.name", "llog", true)
	b = appendStringAttr(b, "llog.store_id", o.storeID, false)
	if o.logs {
		b = append(b, `]},"scopeLogs":[{"scope":{"name":`...)
	} else {
		b = append(b, `]},"scopeSpans":[{"scope":{"name":`...)
	}
	b = canon.AppendString(b, otlpScope)
	if o.logs {
		return append(b, `},"logRecords":[`...)
	}
	return append(b, `},"spans":[`...)
}

// appendSpan appends the span of one inference.
func (o *otlpEncoder) appendSpan(b []byte, r *llog.Record) []byte {
	trace, span := o.ids(r)
	b = append(b, `{"traceId":"`...)
	b = append(b, trace...)
	b = append(b, `","spanId":"`...)
	b = append(b, span...)
	b = append(b, `","name":`...)
	b = canon.AppendString(b, spanName(r))
	b = append(b, `,"kind":`...)
	b = strconv.AppendInt(b, spanKindClient, 10)
	start, end := spanTimes(r)
	b = appendUnixNano(append(b, `,"startTimeUnixNano":`...), start)
	b = appendUnixNano(append(b, `,"endTimeUnixNano":`...), end)
	b = o.appendAttrs(append(b, `,"attributes":[`...), r)
	b = append(b, ']')
	if r.Error != "" {
		b = append(b, `,"status":{"code":`...)
		b = strconv.AppendInt(b, statusCodeError, 10)
		b = canon.AppendString(append(b, `,"message":`...), r.Error)
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendLogRecord appends the log record of one inference.
func (o *otlpEncoder) appendLogRecord(b []byte, r *llog.Record) []byte {
	trace, span := o.ids(r)
	b = appendUnixNano(append(b, `{"timeUnixNano":`...), r.Time)
	b = appendUnixNano(append(b, `,"observedTimeUnixNano":`...), r.Time)
	sev, text := severityInfo, "INFO"
	if r.Error != "" {
		sev, text = severityError, "ERROR"
	}
	b = strconv.AppendInt(append(b, `,"severityNumber":`...), int64(sev), 10)
	b = canon.AppendString(append(b, `,"severityText":`...), text)
	b = append(b, `,"body":{"stringValue":`...)
	b = canon.AppendString(b, spanName(r))
	b = o.appendAttrs(append(b, `},"attributes":[`...), r)
	b = append(b, `],"traceId":"`...)
	b = append(b, trace...)
	b = append(b, `","spanId":"`...)
	b = append(b, span...)
	b = append(b, `","eventName":`...)
	b = canon.AppendString(b, otlpEventName)
	return append(b, '}')
}

// appendAttrs appends the attributes of an inference: the GenAI
// conventions' ones, llog's, then the record's own attributes (those
// whose keys are not taken already).
func (o *otlpEncoder) appendAttrs(b []byte, r *llog.Record) []byte {
	n := len(b)
	first := func() bool { return len(b) == n }
	taken := map[string]bool{}
	str := func(k, v string) {
		if v != "" {
			b = appendStringAttr(b, k, v, first())
			taken[k] = true
		}
	}
	num := func(k string, v int64) {
		b = appendIntAttr(b, k, v, first())
		taken[k] = true
	}
	flag := func(k string, v bool) {
		if v {
			b = appendAttrKey(b, k, first())
			b = append(b, `{"boolValue":true}}`...)
			taken[k] = true
		}
	}
	str("gen_ai.operation.name", r.Operation)
	str("gen_ai.provider.name", r.Provider)
	str("gen_ai.request.model", r.Model)
	num("gen_ai.usage.input_tokens", int64(r.TokensIn))
	num("gen_ai.usage.output_tokens", int64(r.TokensOut))
	str("error.type", r.Error)
	str("gen_ai.conversation.id", r.ConversationID)
	if o.content {
		str("gen_ai.input.messages", messagesJSON("user", r.Prompt))
		str("gen_ai.output.messages", messagesJSON("assistant", r.Response))
	}
	num("llog.seq", int64(r.Seq))
	str("llog.hash", r.Hash.String())
	str("llog.store_id", o.storeID)
	flag("llog.tokens_in_estimated", r.TokensInEstimated)
	flag("llog.tokens_out_estimated", r.TokensOutEstimated)
	if trace, span, ok := recordIDs(r); !ok {
		// Ids that are not OTLP's are kept, not lost.
		if trace == "" {
			str("llog.trace_id", r.TraceID)
		}
		if span == "" {
			str("llog.span_id", r.SpanID)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.Attributes)) {
		if !taken[k] {
			b = appendStringAttr(b, k, r.Attributes[k], first())
		}
	}
	return b
}

// messagesJSON is the GenAI conventions' JSON form of one message with one
// text part, as in gen_ai.input.messages.
func messagesJSON(role, text string) string {
	b := append([]byte(`[{"role":`), canon.AppendString(nil, role)...)
	b = append(b, `,"parts":[{"type":"text","content":`...)
	b = canon.AppendString(b, text)
	return string(append(b, "}]}]"...))
}

// spanName is "{operation} {model}", as the GenAI conventions name spans,
// with whichever of the two the record has.
func spanName(r *llog.Record) string {
	switch {
	case r.Operation != "" && r.Model != "":
		return r.Operation + " " + r.Model
	case r.Operation != "":
		return r.Operation
	case r.Model != "":
		return r.Model
	}
	return "inference"
}

// spanTimes returns the span's start and end: the record's time is when
// the inference ended, and it lasted Latency.
func spanTimes(r *llog.Record) (start, end time.Time) {
	return r.Time.Add(-r.Latency), r.Time
}

// ids returns the trace and span ids of r in hex: the record's own when
// they are valid OTLP ids (32 and 16 hex digits, not all zero), else
// derived from the store id and the sequence number (see otlpIDs).
func (o *otlpEncoder) ids(r *llog.Record) (trace, span string) {
	trace, span, _ = recordIDs(r)
	if trace == "" || span == "" {
		dt, ds := otlpIDs(o.storeID, r.Seq)
		if trace == "" {
			trace = dt
		}
		if span == "" {
			span = ds
		}
	}
	return trace, span
}

// recordIDs returns the record's trace and span ids when they are valid
// OTLP ids ("" for those that are not), lower-cased; ok when both are.
func recordIDs(r *llog.Record) (trace, span string, ok bool) {
	trace, span = validID(r.TraceID, 16), validID(r.SpanID, 8)
	return trace, span, trace != "" && span != ""
}

// validID returns s in lower case when it is n bytes in hex and not all
// zero, else "".
func validID(s string, n int) string {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != n || allZero(b) {
		return ""
	}
	return hex.EncodeToString(b)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// otlpIDs derives the trace and span ids of record seq of a store: the
// first 16 and the next 8 bytes of SHA-256("llog otlp ids\x00" + store id
// in hex + "\x00" + seq in decimal), in hex. The same record always gets
// the same ids, so exporting it twice gives the backend the same span.
func otlpIDs(storeID string, seq uint64) (trace, span string) {
	sum := sha256.Sum256([]byte("llog otlp ids\x00" + storeID + "\x00" + strconv.FormatUint(seq, 10)))
	return hex.EncodeToString(sum[:16]), hex.EncodeToString(sum[16:24])
}

// appendUnixNano appends t as OTLP/JSON writes a fixed64 time: Unix
// nanoseconds as a decimal string; 0 for times before 1970.
func appendUnixNano(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = strconv.AppendInt(b, max(t.UnixNano(), 0), 10)
	return append(b, '"')
}

func appendAttrKey(b []byte, k string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = canon.AppendString(append(b, `{"key":`...), k)
	return append(b, `,"value":`...)
}

func appendStringAttr(b []byte, k, v string, first bool) []byte {
	b = append(appendAttrKey(b, k, first), `{"stringValue":`...)
	return append(canon.AppendString(b, v), "}}"...)
}

func appendIntAttr(b []byte, k string, v int64, first bool) []byte {
	b = append(appendAttrKey(b, k, first), `{"intValue":"`...)
	return append(strconv.AppendInt(b, v, 10), `"}}`...)
}
