// Command llog writes, checks, summarizes and exports llog stores: the
// append-only, hash-chained logs of AI inferences that package
// [github.com/lowlightlog/llog] keeps.
//
//	llog <command> [flags]
//
// Results go to standard output; diagnostics go to standard error, each
// line starting with "llog: ". 'llog help', 'llog help <command>' and
// 'llog <command> --help' print usage on standard output and exit 0.
//
// # Exit codes
//
// Every command uses the same exit codes:
//
//	0  success
//	1  integrity failure found: tamper or corruption; for ingest, input
//	   lines that were skipped
//	2  usage error (unknown command or flag, bad flag value, missing --path)
//	3  could not run: no such store, not a store, I/O error, the store is
//	   locked by a writer (demo), input that cannot be read (redact)
//
// # Commands
//
// demo [--path DIR] [--n N] [--seed S] writes N (default 1000) realistic
// sample inferences through the library with its default options into the
// store in DIR (default ./llog-demo), creating it or appending to it. Some
// prompts carry planted personal data and secrets. It prints the records
// written, the redactions by category (from the engine's Stats), the
// segments, the store's size and the result of verifying the whole chain,
// then the commands to look further. The seed comes from the clock unless
// given, and is printed. Demo exits 3 when another process has the store
// open for writing, and 1 when opening finds the store damaged. SIGINT or
// SIGTERM stops it: what it logged is committed, a line on standard error
// says how far it got, and it exits 0.
//
// # Warnings
//
// Commands that write a store (demo, ingest, proxy) print the engine's warning
// events on standard error while they run, one line each, as in
//
//	llog: demo: warning: index-failed: ...; queries read the segments and the next open rebuilds the index, no data is affected
//
// for a torn tail truncated at open, records dropped, a slow fsync (one
// line per 10 seconds, the others summed up), the index going out of use
// and retention held. They do not change the exit code: the segments are
// the truth and the index is derived data.
//
// ingest --path DIR [--listen unix:PATH] logs inferences from any language:
// one JSON object per line, with the member names and units of a record
// (below): model, prompt, response, latency_ms or latency_ns, tokens_in,
// tokens_out, time, provider, operation, error, trace_id, span_id,
// conversation_id, attributes; all optional, other members ignored. Each
// goes through the redaction and limits of [llog.Engine.Log]. A line that
// is not JSON, has a member of the wrong type or that Log refuses is
// skipped and reported on standard error as "line N: ..."; ingest exits 1
// when any was. A line with "ack":true is answered once durable with
// {"ack":SEQ,"hash":HEX} (or {"line":N,"error":...} when skipped), an
// answer that also vouches for every earlier line of the same input. From
// stdin (answers on stdout) it runs to the end of the input and commits
// everything before it exits; SIGINT or SIGTERM stop the reading and
// commit what was read. With --listen it serves the same protocol to any
// number of clients on a Unix socket of mode 0600 (made in a private
// folder and renamed into place; a stale socket is replaced, a live one
// refused) until SIGINT or SIGTERM, then commits, removes the socket and
// exits 0. There is no TCP. examples/ingest_client.py in the repository is
// a Python client.
//
// verify --path DIR [--json] checks the whole store without changing it and
// without its lock (see [llog.Verify]): every frame's CRC, the segment
// headers and names (gaps, overlaps, missing or duplicated segments) and the
// hash chain from the genesis across all segments. Damage is a failure (exit
// 1): each break is listed with its segment file, offset, sequence number and
// reason, and the expected and actual hashes for a digest mismatch. A torn
// tail of the newest segment (bytes after its last committed batch, which
// were never acknowledged and which the next open truncates) is reported but
// is not a failure. With --json the report is one JSON object, the
// "chain" object described under Export below.
//
// export --path DIR [--since T] [--until T] [--model M,...] [--after-seq N]
// [--format json|jsonl|otlp-traces|otlp-logs] [--batch N] [--include-content]
// [--out FILE] [--compress gzip] [--fail-on-tamper] streams the matching
// records, verifying the whole chain as it reads (every record, exported or
// not, with [llog.Reader.Scan]), and ends with the verification report and
// an export hash. It takes no lock and exports a consistent committed prefix
// of a store that is being written. Memory use does not depend on the
// store's size. T is RFC 3339 (2026-01-02T15:04:05Z, fractional seconds
// allowed), a date YYYY-MM-DD, which means midnight UTC, today or yesterday
// (midnight UTC), now, or a time ago (a Go duration such as 90m or 1h30m,
// or whole days or weeks: 2d, 1w); --since is inclusive and --until
// exclusive. --model takes a comma-separated list and may be repeated.
// --after-seq N keeps the records after sequence number N (the filter
// object of a json or jsonl export then has "after_seq":N after
// "models"). The otlp formats are described under OTLP below. --out writes a
// temporary file in FILE's folder (mode 0600), fsyncs it, renames it to FILE
// and fsyncs the folder. --compress gzip compresses the output (stdout or
// FILE); it refuses to write to a terminal. Without --fail-on-tamper a store that does not verify still exports
// with exit 0 (the report inside lists the breaks, and a warning goes to
// standard error); with it, export exits 1. Either way the output is
// complete, and records that do not verify are left out. When standard error
// is a terminal, export shows its progress there: records exported and the
// bytes that reached the output (and the uncompressed size when
// compressing).
//
// stats --path DIR [--json] reads the whole store, verifying it, and prints
// the records, bytes, segments, time range, counts per model, latency
// percentiles (p50, p95, p99; from a log-linear histogram, within 1.6% of
// the exact nearest-rank value, in constant memory), tokens in and out,
// errors, redactions by category and the records dropped by writers'
// overflow policies (kept in the index at every checkpoint; while a writer
// runs, as of its last one), then a latency histogram and the records per
// hour or day as bars of '#'. It exits 1 when the store does not verify,
// after printing the summary of the records that do.
//
// query --path DIR [--since T] [--until T] [--model M,...] [--after-seq N]
// [--limit N] [--tail N | -n N] [--reverse] [--follow] prints the matching
// records as JSON lines, in the record form below, oldest first (filters as
// for export). --tail N prints the newest N, oldest first, as journalctl -n
// does; --reverse prints newest first. Each record printed matches its
// stored digest; what does not verify (a damaged part of a segment, a record
// that does not decode or match its digest) is skipped and named on
// standard error, and query goes on and exits 1 at the end. With --follow it
// keeps running and prints records as they are committed (after the newest
// N with --tail N), checking every 200ms, until interrupted (SIGINT or
// SIGTERM end it cleanly, exit 0, or 1 when it skipped something) or until
// it has printed --limit records.
//
// redact [--jsonl] [--summary] reads text on standard input and writes it
// redacted with the default rules of package
// [github.com/lowlightlog/llog/redact]; with --jsonl every input line is a
// JSON value, written back as canonical JSON with every string value
// redacted (member names are kept): a string, or an object such as a line
// of query, so 'llog query ... | llog redact --jsonl' works.
//
// repair --path DIR [--force] [--json] prints how a damaged store would be
// repaired, and changes nothing (exit 1 when it needs repair, 0 when not):
// for each damaged segment the batches removed and the records kept (every
// batch that reads cleanly, before and after the damage), the acknowledged
// records the store shows it lost, and the sequence number the next record
// takes. With --force, under the store's lock, it copies each damaged
// segment to <name>.broken-<time>, replaces it atomically without its
// damaged batches, recording each removal in the log where it was, records
// the losses, and removes the index, which the next open rebuilds (see
// [llog.Repair]); verify then lists the removals and exits 0. No sequence
// number is used for two records. It exits 3 while a writer has the store
// open.
//
// version prints the module version ("(devel)" for a build from a
// checkout), the commit and its time when the build recorded them, the Go
// version and the platform, on one line.
//
// proxy --path DIR --upstream URL [--listen ADDR] [--key FILE]
// [--on-store-error pass|block] serves HTTP on ADDR (default 127.0.0.1:11435) and forwards
// every request to the model server at URL, unchanged, passing its answers
// back byte for byte and streams as they arrive. It records one inference
// per model call it recognises (OpenAI-compatible POST /v1/chat/completions,
// /v1/completions, /v1/embeddings, /v1/responses; Ollama POST /api/chat,
// /api/generate, /api/embed) through the same redaction, queue and limits
// as [llog.Engine.Log]: the model, provider, operation, the prompt in a
// readable form, the answer assembled from the stream, latency, the
// upstream's token counts, the error of a failed call and attributes for
// the sampling parameters, finish reasons, time to first token and the
// client's address. 'llog help proxy' documents each field and the
// readable form; the parsing is in cmd/llog/internal/genai. SIGINT or
// SIGTERM stops accepting connections, lets the calls in flight finish,
// commits and exits 0; a second signal cuts them. When the store fails,
// --on-store-error pass keeps proxying (reporting the calls not recorded
// on standard error, exit 3 at the end) and block answers model calls 503.
//
// # Records
//
// A record is a JSON object with these members, in this order; those marked
// "when present" are left out when empty, zero or false. Every value the
// record's hash covers appears exactly, so the hash can be recomputed from
// the members alone: FORMAT.md in the repository maps each member to the
// stored bytes. Later versions may add members; readers should ignore
// members they do not know (latency_ns was added after the first release).
//
//	seq                   sequence number (integer)
//	time                  RFC 3339 in UTC with nine fractional digits,
//	                      e.g. "2026-01-02T15:04:05.123456789Z"
//	model                 string
//	provider              string, when present
//	operation             string, when present
//	prompt                string (as stored, i.e. redacted)
//	response              string
//	error                 string, when present
//	latency_ms            number: an integer when the latency is a whole
//	                      number of milliseconds, else the float64 nearest
//	                      to it (which no longer identifies the nanosecond
//	                      count from about 8.6e15 ns, some 100 days, on)
//	latency_ns            integer: the latency in nanoseconds, exact
//	tokens_in             integer
//	tokens_out            integer
//	tokens_in_estimated   true when tokens_in is llog's len/4 estimate, when present
//	tokens_out_estimated  true when tokens_out is the estimate, when present
//	trace_id              string, when present
//	span_id               string, when present
//	conversation_id       string, when present
//	attributes            object of strings, keys sorted, when present
//	redactions            object: category -> count, keys sorted ({} if none)
//	prev_hash             hex chain digest of the previous record
//	hash                  hex chain digest of this record
//
// # Export
//
// FORMAT.md in the repository specifies exports for other implementations
// (which members the record hashes cover, and how to check everything), and
// tools/llog_verify.py checks an export with nothing but Python 3.
//
// With --format json (the default) the output is one line holding one JSON
// object, then a newline:
//
//	{"format":"llog-export/1",
//	 "store":{"id":ID,"path":ABSOLUTE-PATH,"created":TIME},
//	 "filter":{"since":TIME|null,"until":TIME|null,"models":[...]},
//	 "generated_at":TIME,
//	 "records":[RECORD,...],
//	 "exported":N,
//	 "chain":REPORT,
//	 "export_hash":HEX}
//
// (shown on several lines here; the output has no whitespace between
// tokens). With --format jsonl the output is one line per record, then one
// trailer line holding the other members in the same order:
//
//	RECORD
//	...
//	{"format":"llog-export/1","store":{...},"filter":{...},"generated_at":TIME,"exported":N,"chain":REPORT,"export_hash":HEX}
//
// exported is the number of records exported. REPORT is the verification
// of the whole store, with the members of [llog.VerifyReport] in this order:
// ok, store_id, records, first_seq, last_seq, head_hash, segments, bytes,
// breaks (a list, [] when empty, of objects with segment, offset, seq,
// expected and actual when the digests differ, and reason), break_count,
// torn_tail (null, or an object with segment, offset, bytes, reason and
// indexed_records, the records in the torn part that the index had seen
// committed, left out when 0), anchor (the digest the chain was verified
// from: the store's genesis digest, or the anchor retention recorded when
// it removed older records), removed (a list, [] when none, of what
// retention, a repair or a recorded loss removed: objects with first_seq,
// last_seq, segments, anchor, policy ("repair", "lost" or retention's
// limits), time and done, then reason, copy and log_end when set) and index (an object with checked, source (left
// out when no index was compared), blocks, mark, problems and behind: how
// the index compared with the segments, and how many records the log holds
// after its watermark), then any member a later version of the
// library adds to the report. Records come before the
// report because the report is only known once the whole store has been
// read.
//
// # OTLP
//
// With --format otlp-traces or otlp-logs, export writes OpenTelemetry's
// OTLP/JSON for a collector: one ExportTraceServiceRequest or
// ExportLogsServiceRequest per line (as the Collector's file exporter
// writes and its otlpjsonfile receiver reads, and as OTLP/HTTP takes with
// Content-Type application/json), each holding up to --batch records (default
// 512), in sequence order, without a trailer or an export hash. The chain is
// verified all the same: breaks go to standard error, and --fail-on-tamper
// makes them exit 1. The encoding is OTLP/JSON's: lowerCamelCase names,
// trace and span ids in lower-case hex, times and 64-bit integers as
// decimal strings, enums as numbers.
//
// Each request has one resource (attributes service.name "llog" and
// llog.store_id) with one scope (name "github.com/lowlightlog/llog"). Each
// inference becomes one span (otlp-traces) following the OpenTelemetry
// GenAI semantic conventions:
//
//	name                 "{operation} {model}" (either alone when the other
//	                     is empty; "inference" when both are)
//	kind                 3, SPAN_KIND_CLIENT
//	traceId, spanId      the record's trace_id and span_id when they are
//	                     OTLP ids (32 and 16 hex digits, not all zero); else
//	                     derived: the first 16 and the next 8 bytes of
//	                     SHA-256("llog otlp ids" 0x00 STORE_ID 0x00 SEQ),
//	                     STORE_ID in hex and SEQ in decimal, so a record
//	                     exported twice is the same span
//	startTimeUnixNano    the record's time minus its latency
//	endTimeUnixNano      the record's time: llog stamps a record when the
//	                     inference ended, so the span lasts the latency
//	status               code 2 (ERROR) and the error as message, when the
//	                     record has an error; absent otherwise
//	attributes           gen_ai.operation.name, gen_ai.provider.name,
//	                     gen_ai.request.model (each when not empty),
//	                     gen_ai.usage.input_tokens, gen_ai.usage.output_tokens
//	                     (int), error.type (the error, when there is one),
//	                     gen_ai.conversation.id (when not empty); with
//	                     --include-content only (opt-in, as the conventions
//	                     ask), gen_ai.input.messages and
//	                     gen_ai.output.messages, the conventions' JSON form:
//	                     [{"role":"user","parts":[{"type":"text","content":PROMPT}]}]
//	                     and the same with "assistant" and the response;
//	                     llog.seq (int), llog.hash (hex) and llog.store_id,
//	                     which lead from a backend's row back to the chain;
//	                     llog.tokens_in_estimated, llog.tokens_out_estimated
//	                     (bool, when true); llog.trace_id, llog.span_id (the
//	                     record's value, when it is not an OTLP id); then the
//	                     record's own attributes, as strings, except those
//	                     whose key is already used
//
// With otlp-logs each inference becomes one log record, the conventions'
// event gen_ai.client.inference.operation.details: timeUnixNano and
// observedTimeUnixNano the record's time, severityNumber 9 (INFO) or 17
// (ERROR, when the record has an error) with severityText, body the span's
// name as a string, the span's attributes, traceId and spanId as above,
// and eventName. A fleet ships only what is new by remembering the highest
// llog.seq it shipped and exporting with --after-seq next time.
//
// # Canonical JSON
//
// Everything llog export writes is canonical JSON: exactly the bytes that
// Python 3 writes with
//
//	json.dumps(value, ensure_ascii=False, separators=(",", ":"))
//
// for the value the output decodes to, with object members in the order of
// the output: no whitespace; strings escape '"' and '\' with a backslash,
// use \b \f \n \r \t for those five characters, \u00XX (lower-case hex) for
// the other characters below U+0020, and write every other character as
// UTF-8, unescaped; integers in decimal; other numbers (today only
// latency_ms) as Python's repr(float) writes them: the shortest digits that
// read back as the same float64, in positional notation with at least one
// digit after the point when 1e-4 <= |x| < 1e16, else in exponent form
// with a sign and at least two exponent digits (1e-06, 1.5e+16);
// true, false and null.
//
// # Export hash
//
// export_hash is the SHA-256, in lower-case hex, of the output with its
// export_hash member removed: of every byte of the (uncompressed) output up
// to, not including, the final `,"export_hash":"` followed by the closing
// brace "}". The output ends with `,"export_hash":"` (16 bytes), 64 hex
// digits, `"}` and a newline, 83 bytes in all, so in a shell:
//
//	{ head -c -83 export.json; printf '}'; } | sha256sum
//	{ zcat export.json.gz | head -c -83; printf '}'; } | sha256sum
//
// and the same for a jsonl export. Because the output is canonical JSON, the
// hash can also be recomputed from the decoded values, in Python:
//
//	import hashlib, json
//	def canon(v): return json.dumps(v, ensure_ascii=False, separators=(",", ":"))
//
//	# --format json
//	doc = json.load(open("export.json", encoding="utf-8"))
//	want = doc.pop("export_hash")
//	got = hashlib.sha256(canon(doc).encode()).hexdigest()
//
//	# --format jsonl (split on "\n" only: str.splitlines also splits on
//	# U+2028 and other characters that strings may hold unescaped)
//	lines = open("export.jsonl", encoding="utf-8").read().split("\n")[:-1]
//	trailer = json.loads(lines[-1]); want = trailer.pop("export_hash")
//	data = "".join(canon(json.loads(l)) + "\n" for l in lines[:-1]) + canon(trailer)
//	got = hashlib.sha256(data.encode()).hexdigest()
//
// The export hash shows that an export file was not changed after it was
// made; it proves nothing about the store by itself. What ties an export to
// the store is the hash chain: every record carries prev_hash and hash, and
// chain.head_hash is the store's head when the export ran, which can be
// compared with a head written down elsewhere (a receipt, an earlier export,
// 'llog verify' output kept off the device). Package
// [github.com/lowlightlog/llog/chain] documents how each hash is computed.
package main
