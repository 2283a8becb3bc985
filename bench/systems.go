package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/klauspost/crc32"
	"github.com/lowlightlog/llog"
	"github.com/lowlightlog/llog/internal/gen"
	"github.com/lowlightlog/llog/internal/knobs"
	"golang.org/x/mod/sumdb/note"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// The systems compared. Both llog systems sign their checkpoints with an
// Ed25519 key (what a deployment that keeps its checkpoints elsewhere
// runs, and the dearer kind of checkpoint); the -nockpt ones write none,
// to show what checkpoints cost.
const (
	sysLLog            = "llog"                 // llog with default options (redaction on), signed checkpoints
	sysLLogNoCkpt      = "llog-nockpt"          // llog the same, without checkpoints
	sysLLogPlain       = "llog-noredact"        // llog with Options.DisableRedaction, signed checkpoints
	sysLLogPlainNoCkpt = "llog-noredact-nockpt" // llog-noredact without checkpoints
	sysLLogCaller      = "llog-caller"          // llog redacting on the caller's goroutine (Options.RedactWorkers −1)
	sysSQLite          = "sqlite"               // SQLite, WAL mode, synchronous=FULL
	sysPlain           = "plain"                // length + CRC32-C frames, SHA-256 chain, append, fdatasync
)

// allSystems are the systems run by default; knownSystems those --systems
// accepts.
var (
	allSystems   = []string{sysLLog, sysLLogNoCkpt, sysLLogPlain, sysSQLite, sysPlain}
	knownSystems = []string{sysLLog, sysLLogNoCkpt, sysLLogPlain, sysLLogPlainNoCkpt, sysLLogCaller, sysSQLite, sysPlain}
)

// ckptPairs pair each llog system with checkpoints with the same system
// without them.
var ckptPairs = [][2]string{{sysLLog, sysLLogNoCkpt}, {sysLLogPlain, sysLLogPlainNoCkpt}}

// measured is what one run of a system reports.
type measured struct {
	elapsed time.Duration // from the first record to the last one durable
	lat     []int64       // per record: nanoseconds in the call that enqueues it
	batches uint64        // fsynced batches (llog: from Stats)
}

// ingest runs system sys on dir: n records taken in turn from recs, made
// durable batch records at a time (mode "ingest") or one record per fsync
// (mode "sync").
func ingest(sys, mode, dir string, recs []gen.Sample, n, batch int) (measured, error) {
	if mode == modeSync {
		batch = 1
	}
	switch sys {
	case sysLLog, sysLLogPlain, sysLLogNoCkpt, sysLLogPlainNoCkpt, sysLLogCaller:
		noRedact := sys == sysLLogPlain || sys == sysLLogPlainNoCkpt
		noCkpt := sys == sysLLogNoCkpt || sys == sysLLogPlainNoCkpt
		return runLLog(dir, noRedact, noCkpt, sys == sysLLogCaller, mode == modeSync, recs, n, batch)
	case sysSQLite:
		return runSQLite(dir, recs, n, batch)
	case sysPlain:
		return runPlain(dir, recs, n, batch)
	}
	return measured{}, fmt.Errorf("unknown system %q", sys)
}

// runLLog logs n records with Log and then calls Flush once (or, with
// sync, calls LogSync for each record). MaxBatchRecords is the batch size;
// MaxBatchBytes is raised when needed so that it does not split batches
// of large records (the batch size means records per fsync for every
// system). Checkpoints come at the default cadence, signed with a key
// made for the run, or, with noCkpt, not at all (the child runs this one
// system, so the process-wide knob touches nothing else). With caller,
// Log redacts on the calling goroutine instead of handing records to the
// redaction workers.
func runLLog(dir string, noRedact, noCkpt, caller, sync bool, recs []gen.Sample, n, batch int) (measured, error) {
	infs := make([]llog.Inference, len(recs))
	maxRec := 0
	for i := range recs {
		infs[i] = inference(&recs[i])
		maxRec = max(maxRec, payload(&recs[i]))
	}
	opts := &llog.Options{
		MaxBatchRecords:  batch,
		MaxBatchBytes:    max(llog.DefaultMaxBatchBytes, batch*(maxRec+1024)),
		DisableRedaction: noRedact,
	}
	if caller {
		opts.RedactWorkers = -1
	}
	knobs.SetNoCheckpoints(noCkpt)
	if !noCkpt {
		skey, _, err := note.GenerateKey(rand.Reader, "bench")
		if err != nil {
			return measured{}, err
		}
		if opts.Signer, err = note.NewSigner(skey); err != nil {
			return measured{}, err
		}
	}
	e, err := llog.Open(filepath.Join(dir, "llog"), opts)
	if err != nil {
		return measured{}, err
	}
	defer e.Close()
	ctx := context.Background()
	m := measured{lat: make([]int64, n)}
	start := time.Now()
	for i := range n {
		t := time.Now()
		if sync {
			_, err = e.LogSync(ctx, infs[i%len(infs)])
		} else {
			err = e.Log(ctx, infs[i%len(infs)])
		}
		m.lat[i] = int64(time.Since(t))
		if err != nil {
			return m, err
		}
	}
	if err := e.Flush(ctx); err != nil {
		return m, err
	}
	m.elapsed = time.Since(start)
	m.batches = e.Stats().Batches
	return m, e.Close()
}

// sqliteSchema is close to the Python tool's table.
const sqliteSchema = `CREATE TABLE inferences (
	id         INTEGER PRIMARY KEY,
	ts         TEXT NOT NULL,
	model      TEXT NOT NULL,
	prompt     TEXT NOT NULL,
	response   TEXT NOT NULL,
	latency_ms REAL NOT NULL,
	tokens_in  INTEGER NOT NULL,
	tokens_out INTEGER NOT NULL,
	prev_hash  BLOB NOT NULL,
	hash       BLOB NOT NULL
)`

const sqliteInsert = `INSERT INTO inferences
	(ts, model, prompt, response, latency_ms, tokens_in, tokens_out, prev_hash, hash)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// runSQLite inserts n records in WAL mode with synchronous=FULL, one
// transaction per batch (autocommit, one transaction per record, for a
// batch of 1), computing the hash chain column as it goes. The time
// includes the last COMMIT but not the close (whose final checkpoint is
// counted in the bytes written).
func runSQLite(dir string, recs []gen.Sample, n, batch int) (measured, error) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", filepath.Join(dir, "sqlite.db"))
	if err != nil {
		return measured{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return measured{}, err
	}
	defer conn.Close()
	var jm string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&jm); err != nil {
		return measured{}, err
	}
	if jm != "wal" {
		return measured{}, fmt.Errorf("sqlite: journal_mode is %q, want wal", jm)
	}
	for _, q := range []string{"PRAGMA synchronous=FULL", sqliteSchema} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return measured{}, err
		}
	}
	ins, err := conn.PrepareContext(ctx, sqliteInsert)
	if err != nil {
		return measured{}, err
	}
	defer ins.Close()
	c := newChainer()
	var enc []byte
	m := measured{lat: make([]int64, n)}
	start := time.Now()
	for i := 0; i < n; {
		if batch > 1 {
			if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
				return m, err
			}
		}
		for j := 0; j < batch && i < n; j, i = j+1, i+1 {
			s := &recs[i%len(recs)]
			t := time.Now()
			enc = appendRecord(enc[:0], t, s)
			prev, cur := c.next(enc)
			_, err := ins.ExecContext(ctx, t.UTC().Format(time.RFC3339Nano), s.Model, s.Prompt, s.Response,
				float64(s.Latency)/float64(time.Millisecond), s.TokensIn, s.TokensOut, prev[:], cur[:])
			m.lat[i] = int64(time.Since(t))
			if err != nil {
				return m, err
			}
		}
		if batch > 1 {
			if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
				return m, err
			}
		}
		m.batches++
	}
	m.elapsed = time.Since(start)
	if err := ins.Close(); err != nil {
		return m, err
	}
	if err := conn.Close(); err != nil {
		return m, err
	}
	return m, db.Close()
}

// crcTable is the CRC32-C table of the plain loop.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// runPlain is the hand-written reference: each record is encoded, chained
// with SHA-256 and framed as length + CRC32-C + digest + record; a batch of
// frames is appended with one write and one fdatasync. The latency is that
// of framing a record, or with a batch of 1 of framing, writing and
// syncing it.
func runPlain(dir string, recs []gen.Sample, n, batch int) (measured, error) {
	f, err := os.OpenFile(filepath.Join(dir, "plain.log"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return measured{}, err
	}
	defer f.Close()
	c := newChainer()
	var enc, buf []byte
	m := measured{lat: make([]int64, n)}
	start := time.Now()
	for i := 0; i < n; {
		buf = buf[:0]
		var t time.Time
		for j := 0; j < batch && i < n; j, i = j+1, i+1 {
			t = time.Now()
			enc = appendRecord(enc[:0], t, &recs[i%len(recs)])
			_, cur := c.next(enc)
			at := len(buf)
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(cur)+len(enc)))
			buf = append(buf, 0, 0, 0, 0)
			buf = append(buf, cur[:]...)
			buf = append(buf, enc...)
			binary.LittleEndian.PutUint32(buf[at+4:], crc32.Checksum(buf[at+8:], crcTable))
			m.lat[i] = int64(time.Since(t))
		}
		if _, err := f.Write(buf); err != nil {
			return m, err
		}
		if err := fdatasync(f); err != nil {
			return m, err
		}
		if batch == 1 {
			// One record per fsync: the caller waits for the disk.
			m.lat[i-1] = int64(time.Since(t))
		}
		m.batches++
	}
	m.elapsed = time.Since(start)
	return m, f.Close()
}
