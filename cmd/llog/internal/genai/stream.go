package genai

import "bytes"

// The two stream framings model servers use: server-sent events (OpenAI and
// every OpenAI-compatible server) and newline-delimited JSON (Ollama). Both
// decoders take the body in pieces of any size, as they arrive, and call
// back once per complete event or line; they keep only the unfinished line
// (and, for SSE, the data of the unfinished event), so their memory is
// bounded by the longest line, which is capped at the decoder's max.

// lineBuffer holds the line being received, up to max bytes. A longer
// line is dropped whole: its bytes are not kept, and take reports it.
type lineBuffer struct {
	max     int
	line    []byte
	tooLong bool // the current line went past max
	dropped bool // some line went past max
}

func (b *lineBuffer) append(p []byte) {
	if b.tooLong {
		return
	}
	if len(b.line)+len(p) > b.max {
		b.tooLong, b.dropped = true, true
		b.line = b.line[:0]
		return
	}
	b.line = append(b.line, p...)
}

// take returns the line and empties the buffer; ok is false when the line
// was dropped. The line is valid until the next append.
func (b *lineBuffer) take() (line []byte, ok bool) {
	line, ok = b.line, !b.tooLong
	b.line, b.tooLong = b.line[:0], false
	return line, ok
}

// sseDecoder cuts a text/event-stream body into events, as the HTML
// standard's event-stream interpretation does: lines end with CRLF, LF or
// a lone CR; "data:" lines (one optional space after the colon removed) are
// joined with LF; a blank line dispatches the event; lines starting with a
// colon are comments; other fields (event, id, retry) are ignored. Unlike
// the standard, an event whose data is complete when the stream ends
// without a blank line is still dispatched.
type sseDecoder struct {
	lineBuffer // max is also the most event data kept
	data       []byte
	hasData    bool
	skipLF     bool // the last byte seen was a CR: a following LF ends nothing
	onEvent    func(data []byte)
}

// write feeds the next piece of the stream.
func (d *sseDecoder) write(p []byte) {
	for len(p) > 0 {
		if d.skipLF {
			d.skipLF = false
			if p[0] == '\n' {
				p = p[1:]
				continue
			}
		}
		i := bytes.IndexAny(p, "\r\n")
		if i < 0 {
			d.append(p)
			return
		}
		d.append(p[:i])
		d.skipLF = p[i] == '\r'
		p = p[i+1:]
		d.endLine()
	}
}

// close ends the stream: a last line without its end and an event without
// its blank line are taken as complete.
func (d *sseDecoder) close() {
	if len(d.line) > 0 || d.tooLong {
		d.endLine()
	}
	d.dispatch()
}

func (d *sseDecoder) endLine() {
	line, ok := d.take()
	if !ok {
		// The line was dropped; so is the event it belonged to.
		d.data, d.hasData = d.data[:0], false
		return
	}
	if len(line) == 0 {
		d.dispatch()
		return
	}
	field, value, found := bytes.Cut(line, []byte(":"))
	if len(field) == 0 {
		return // a comment
	}
	if !found {
		value = nil
	} else if len(value) > 0 && value[0] == ' ' {
		value = value[1:]
	}
	if string(field) != "data" {
		return
	}
	if len(d.data)+len(value)+1 > d.max {
		d.dropped = true
		d.data, d.hasData = d.data[:0], false
		return
	}
	if d.hasData {
		d.data = append(d.data, '\n')
	}
	d.data = append(d.data, value...)
	d.hasData = true
}

func (d *sseDecoder) dispatch() {
	if !d.hasData {
		return
	}
	data := d.data
	d.data, d.hasData = d.data[:0], false
	d.onEvent(data)
}

// ndjsonDecoder cuts an application/x-ndjson body into lines: each ends
// with LF (a CR before it is removed); blank lines are skipped; a last line
// without its LF is taken as complete when the stream ends.
type ndjsonDecoder struct {
	lineBuffer
	onLine func(line []byte)
}

// write feeds the next piece of the stream.
func (d *ndjsonDecoder) write(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			d.append(p)
			return
		}
		d.append(p[:i])
		p = p[i+1:]
		d.endLine()
	}
}

// close ends the stream.
func (d *ndjsonDecoder) close() { d.endLine() }

func (d *ndjsonDecoder) endLine() {
	line, ok := d.take()
	if !ok {
		return
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	d.onLine(line)
}
