// Package otlptest checks llog's OTLP export against the OpenTelemetry
// Collector's own decoder: it exports a store with 'llog export --format
// otlp-traces' and 'otlp-logs', parses every line with the JSON
// unmarshalers of go.opentelemetry.io/collector/pdata (what the
// Collector's otlpjsonfile receiver and OTLP/HTTP JSON endpoint use), and
// compares each span and log record with the same store's JSONL export,
// record by record.
//
// It is a module of its own because pdata is not a dependency of llog:
// run it with 'cd otlptest && go test ./...' (.ci/run does).
package otlptest
