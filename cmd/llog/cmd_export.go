package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/canon"
	"github.com/spf13/pflag"
)

// exportFormat is the value of the "format" member of an export.
const exportFormat = "llog-export/1"

var exportCmd = &command{
	name:    "export",
	summary: "export records with the chain report and a SHA-256 export hash",
	usage: `usage: llog export --path DIR [--since T] [--until T] [--model M,...] [--after-seq N]
                   [--format json|jsonl|otlp-traces|otlp-logs] [--batch N] [--include-content]
                   [--out FILE] [--compress gzip] [--fail-on-tamper]

Export streams the records that match the filter, verifying the whole hash
chain while it reads (every record, not only the exported ones), and ends
with the verification report and an export_hash over everything else. It is
read-only and takes no lock, so it works while a writer appends: it exports a
consistent committed prefix. Memory use does not grow with the store.

--format json (the default) writes one JSON object; --format jsonl writes one
record per line and then a trailer line with the report and the hash. The
package documentation ('go doc github.com/lowlightlog/llog/cmd/llog') defines
both layouts and how to recompute export_hash; in short:

  { head -c -83 export.json; printf '}'; } | sha256sum

Every record carries every value its hash covers (latency_ns is the exact
latency), so each hash can be recomputed from the export alone: FORMAT.md in
the repository says how, and tools/llog_verify.py does it with nothing but
Python 3 (python3 tools/llog_verify.py export.json).

--format otlp-traces and otlp-logs write OpenTelemetry's OTLP/JSON for a
collector (its otlpjsonfile receiver, or an OTLP/HTTP endpoint): one
ExportTraceServiceRequest or ExportLogsServiceRequest per line, of up to
--batch records (default 512), one span or log record per inference named
and attributed by the GenAI semantic conventions, and no trailer; the chain
is still verified and breaks are reported on stderr. Prompts and responses
are left out unless --include-content is given. Ship only what is new with
--after-seq N, N being the llog.seq of the last record shipped. The package
documentation lists every field.

T is RFC 3339 (2026-01-02T15:04:05Z), a date (2026-01-02, midnight UTC),
today or yesterday (midnight UTC), or a time ago: 90m, 1h, 2d, 1w. --since
is inclusive and --until exclusive: --since 2026-01-01 --until 2026-01-02
selects all of January 1st (UTC). --model takes a comma-separated list and
may be repeated.

--out writes to a temporary file in the same folder, fsyncs it and renames it
into place, so FILE is either complete or absent. --compress gzip compresses
the output (stdout or FILE; not a terminal); export_hash covers the
uncompressed bytes. When stderr is a terminal, export shows how many records
and bytes it has written.

Without --fail-on-tamper a broken chain is reported in the export (and on
stderr) and export exits 0; with it, export exits 1. Either way the export is
complete: records that do not verify are left out and listed in the report.
`,
	define: func(fs *pflag.FlagSet) func(context.Context, *env, []string) error {
		var (
			path, format, out, compress  string
			failOnTamper, includeContent bool
			batch                        int
			ff                           filterFlags
		)
		fs.StringVar(&path, "path", "", "the store's folder `DIR` (required)")
		ff.define(fs)
		fs.StringVar(&format, "format", "json", "output `FORMAT`: json (one object), jsonl (a record per line, then a trailer), otlp-traces or otlp-logs (OTLP/JSON requests, one per line)")
		fs.IntVar(&batch, "batch", 512, "otlp formats: at most `N` records per request line")
		fs.BoolVar(&includeContent, "include-content", false, "otlp formats: add prompts and responses (gen_ai.input.messages, gen_ai.output.messages)")
		fs.StringVar(&out, "out", "", "write to `FILE` (atomically) instead of stdout")
		fs.StringVar(&compress, "compress", "", "compress the output with `ALGO`: gzip")
		fs.BoolVar(&failOnTamper, "fail-on-tamper", false, "exit 1 when the chain does not verify")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if err := requirePath(path); err != nil {
				return err
			}
			otlp := format == "otlp-traces" || format == "otlp-logs"
			switch {
			case format != "json" && format != "jsonl" && !otlp:
				return usagef("--format %q: want json, jsonl, otlp-traces or otlp-logs", format)
			case compress != "" && compress != "gzip":
				return usagef("--compress %q: want gzip", compress)
			case compress != "" && out == "" && e.stdoutTerminal:
				return usagef("--compress gzip: standard output is a terminal: give --out FILE or redirect the output")
			case batch < 1:
				return usagef("--batch %d: want at least 1", batch)
			case !otlp && fs.Changed("batch"), !otlp && includeContent:
				return usagef("--batch and --include-content go with --format otlp-traces or otlp-logs")
			}
			f, err := ff.filter(e.now())
			if err != nil {
				return err
			}
			r, err := openReader(path)
			if err != nil {
				return err
			}
			defer r.Close()

			var dst io.Writer = e.stdout
			var af *atomicFile
			if out != "" {
				if af, err = createAtomic(out); err != nil {
					return err
				}
				defer af.abort()
				dst = af.f
			}
			written := &countingWriter{w: dst}
			dst = written
			var gz *gzip.Writer
			if compress == "gzip" {
				gz = gzip.NewWriter(dst)
				dst = gz
			}
			x := &exporter{
				r:      r,
				path:   path,
				filter: f,
				jsonl:  format == "jsonl",
				w:      newHashWriter(dst),
				out:    written,
				now:    e.now,
			}
			if otlp {
				x.otlp = &otlpEncoder{logs: format == "otlp-logs", content: includeContent, storeID: r.StoreID(), batch: batch}
			}
			if e.progress {
				x.progress = &progress{w: e.stderr, every: 500 * time.Millisecond}
			}
			rep, err := x.run(ctx)
			if err != nil {
				return err
			}
			if gz != nil {
				if err := gz.Close(); err != nil {
					return fmt.Errorf("compress: %w", err)
				}
			}
			if x.progress != nil {
				x.progress.clear()
				fmt.Fprintf(e.stderr, "llog: export: %d records exported, %s\n", x.n, x.writtenText())
			}
			if af != nil {
				if err := af.commit(); err != nil {
					return err
				}
			}
			if !rep.OK {
				if failOnTamper {
					return &integrityError{msg: breakSummary(rep)}
				}
				fmt.Fprintf(e.stderr, "llog: export: warning: %s (the export's chain report lists the breaks)\n", breakSummary(rep))
			}
			return nil
		}
	},
}

// exporter writes one export.
type exporter struct {
	r        *llog.Reader
	path     string
	filter   llog.Filter
	jsonl    bool
	w        *hashWriter
	out      *countingWriter // the bytes that reach the output (compressed or not)
	now      func() time.Time
	progress *progress
	otlp     *otlpEncoder // otlp formats, else nil

	buf []byte
	n   uint64 // records exported
}

// run writes the export and returns the verification report.
func (x *exporter) run(ctx context.Context) (*llog.VerifyReport, error) {
	if x.otlp != nil {
		return x.runOTLP(ctx)
	}
	if !x.jsonl { // jsonl has the head members in its trailer
		if err := x.w.write(append(x.appendHead(nil), `,"records":[`...)); err != nil {
			return nil, err
		}
	}
	rep, err := x.r.Scan(ctx, x.filter, func(rec *llog.Record) error {
		b := x.buf[:0]
		if !x.jsonl && x.n > 0 {
			b = append(b, ',')
		}
		b = rec.AppendJSON(b)
		if x.jsonl {
			b = append(b, '\n')
		}
		x.buf = b
		x.n++
		if x.progress != nil && x.progress.due() {
			x.showProgress(rec.Seq)
		}
		return x.w.write(b)
	})
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", x.path, err)
	}
	var tail []byte
	if x.jsonl {
		tail = x.appendHead(tail)
	} else {
		tail = append(tail, ']')
	}
	tail = strconv.AppendUint(append(tail, `,"exported":`...), x.n, 10)
	tail = append(tail, `,"chain":`...)
	if tail, err = appendReport(tail, rep); err != nil {
		return nil, err
	}
	// The newest checkpoint among the records read: signed, it ties the
	// export to a tree head kept off the device.
	tail = append(tail, `,"checkpoint":`...)
	if ck := rep.Merkle.Checkpoint; ck != nil {
		tail = canon.AppendString(tail, string(ck.Note))
	} else {
		tail = append(tail, "null"...)
	}
	if err := x.w.write(tail); err != nil {
		return nil, err
	}
	// export_hash covers the output without its export_hash member: the
	// bytes so far and the closing brace.
	x.w.h.Write([]byte{'}'})
	sum := x.w.h.Sum(nil)
	end := append([]byte(`,"export_hash":"`), hex.EncodeToString(sum)...)
	end = append(end, "\"}\n"...)
	if _, err := x.w.w.Write(end); err != nil {
		return nil, fmt.Errorf("write export: %w", err)
	}
	if err := x.w.w.Flush(); err != nil {
		return nil, fmt.Errorf("write export: %w", err)
	}
	x.w.n += int64(len(end))
	return rep, nil
}

// runOTLP writes the records as OTLP/JSON requests, one per line, and
// returns the verification report. There is no trailer: every line is a
// request a collector can take as it is.
func (x *exporter) runOTLP(ctx context.Context) (*llog.VerifyReport, error) {
	rep, err := x.r.Scan(ctx, x.filter, func(rec *llog.Record) error {
		x.n++
		if x.progress != nil && x.progress.due() {
			x.showProgress(rec.Seq)
		}
		if line := x.otlp.add(rec); line != nil {
			return x.w.write(line)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", x.path, err)
	}
	if line := x.otlp.finish(); line != nil {
		if err := x.w.write(line); err != nil {
			return nil, err
		}
	}
	if err := x.w.w.Flush(); err != nil {
		return nil, fmt.Errorf("write export: %w", err)
	}
	return rep, nil
}

// showProgress shows how far the export got.
func (x *exporter) showProgress(seq uint64) {
	x.progress.show(fmt.Sprintf("export: at seq %d, %d records exported, %s", seq, x.n, x.writtenText()))
}

// writtenText says how many bytes reached the output: "12.3 MiB written",
// with the uncompressed size when the output is compressed.
func (x *exporter) writtenText() string {
	if x.out.n == x.w.n {
		return formatBytes(x.out.n) + " written"
	}
	return fmt.Sprintf("%s written (%s uncompressed)", formatBytes(x.out.n), formatBytes(x.w.n))
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// appendHead appends the opening members of the export object: format,
// store, filter and generated_at.
func (x *exporter) appendHead(b []byte) []byte {
	b = append(b, `{"format":`...)
	b = canon.AppendString(b, exportFormat)
	b = append(b, `,"store":{"id":`...)
	b = canon.AppendString(b, x.r.StoreID())
	b = canon.AppendString(canon.AppendKey(b, "path", false), absPath(x.path))
	b = canon.AppendTime(canon.AppendKey(b, "created", false), x.r.Created())
	b = append(b, `},"filter":{"since":`...)
	b = appendOptTime(b, x.filter.Since)
	b = appendOptTime(append(b, `,"until":`...), x.filter.Until)
	b = append(b, `,"models":[`...)
	for i, m := range x.filter.Models {
		if i > 0 {
			b = append(b, ',')
		}
		b = canon.AppendString(b, m)
	}
	b = append(b, ']')
	if x.filter.AfterSeq > 0 {
		b = strconv.AppendUint(append(b, `,"after_seq":`...), x.filter.AfterSeq, 10)
	}
	b = append(b, `},"generated_at":`...)
	return canon.AppendTime(b, x.now())
}

// appendOptTime appends a time, or null for the zero time.
func appendOptTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	return canon.AppendTime(b, t)
}

// hashWriter writes through a buffer and hashes what it writes.
type hashWriter struct {
	w *bufio.Writer
	h hash.Hash
	n int64 // bytes written
}

func newHashWriter(w io.Writer) *hashWriter {
	return &hashWriter{w: bufio.NewWriterSize(w, 256<<10), h: sha256.New()}
}

func (hw *hashWriter) write(p []byte) error {
	hw.h.Write(p)
	hw.n += int64(len(p))
	if _, err := hw.w.Write(p); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}

// atomicFile is an output file written under a temporary name and renamed
// into place once complete.
type atomicFile struct {
	f    *os.File
	path string
	done bool
}

func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &atomicFile{f: f, path: path}, nil
}

// commit fsyncs the file, renames it to its name and fsyncs the folder.
func (a *atomicFile) commit() error {
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", a.f.Name(), err)
	}
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", a.f.Name(), err)
	}
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		return fmt.Errorf("rename into place: %w", err)
	}
	a.done = true
	d, err := os.Open(filepath.Dir(a.path))
	if err != nil {
		return fmt.Errorf("sync folder of %s: %w", a.path, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder of %s: %w", a.path, err)
	}
	return nil
}

// abort removes the temporary file unless commit renamed it.
func (a *atomicFile) abort() {
	if a.done {
		return
	}
	a.f.Close()
	os.Remove(a.f.Name())
}
