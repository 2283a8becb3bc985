// Package llog records AI inference activity — prompt, response, model,
// latency, tokens, metadata — on edge hardware, with a bounded memory
// footprint, redaction of personal data and secrets before anything is
// queued, crash-safe atomic commits and a tamper-evident SHA-256 hash chain.
// It needs no cloud, no database and no cgo.
//
// # Writing
//
// Open a store (a folder) and log inferences:
//
//	e, err := llog.Open("./logs", nil) // nil: default options
//	if err != nil { ... }
//	defer e.Close()
//	err = e.Log(ctx, llog.Inference{
//		Model:    "phi-3-mini",
//		Prompt:   "What is the capital of France?",
//		Response: "Paris.",
//		Latency:  87 * time.Millisecond,
//	})
//
// [Engine.Log] redacts the text, stamps the time and token estimates, and
// queues the record; it does not wait for the disk. [Engine.LogSync] waits
// until the record is durable and returns its [Receipt] (sequence number and
// chain digest); [Engine.Flush] waits until everything queued before it is
// durable. [Engine.Close] drains the queue, commits and releases the store.
//
// The queue is bounded ([Options].QueueCapacity and QueueBytes). When it is
// full the [OverflowPolicy] applies: [Block] (the default: nothing is lost
// unless you choose so), [DropNewest] or [DropOldest]. Drops are counted in
// [Stats] and reported to [Options].OnEvent, never silent, and a dropped
// record never takes a sequence number.
//
// # Durability
//
// Records are committed in batches: one write and one fdatasync per batch,
// and a batch is all or nothing after any crash. A record is durable once
// LogSync or a later Flush returns. After a crash, [Open] truncates the torn
// tail of the newest segment (bytes never acknowledged) and refuses damage
// anywhere else with a [*CorruptionError]: nothing committed is ever
// dropped silently. After a failed write or fsync the engine stops for good
// and every call returns the same error ([ErrFailed]); reopen to recover.
//
// # Reading and verifying
//
// [OpenReader] opens a store read-only, without its lock, so it works while
// another process writes. [Reader.Query] and [Engine.Query] iterate over
// committed records; [Verify] and [Reader.Verify] check every checksum, the
// segment sequence and the whole hash chain; [Reader.Scan] streams every
// record while verifying, which is what an export needs. A [Record] and an
// [Inference] marshal to JSON (and back) with the member names and units of
// the llog command's exports: "latency_ms" and "latency_ns", not Go's field
// names and nanoseconds ([Record.AppendJSON] lists the members).
//
// # On disk
//
// A store folder holds llog.store (the manifest: format version and store
// identity), LOCK, and segment files named by their first sequence number.
// Package segment documents the framing, package wal the batches and
// recovery rules, package chain the hash chain, and record.go the record
// encoding. FORMAT.md in the repository specifies all of it, and the
// exports, byte by byte for other implementations; ARCHITECTURE.md has
// the failure table.
package llog
