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
// # Checkpoints and proofs
//
// The chain proves a store consistent with itself; a [Checkpoint] proves
// more to whoever keeps it off the device. The engine writes one every
// [Options].CheckpointEvery records or CheckpointDelay and at Close: a
// C2SP tlog-checkpoint (origin "llog/" + the store id, the number of
// records since genesis, the RFC 6962 Merkle root over their chain
// digests, the chain head and the time), signed by [Options].Signer (a
// note.Signer of golang.org/x/mod/sumdb/note; [LoadSigner] reads a key
// file of 'llog keygen') or unsigned without one. It is committed in the
// same write and fsync as the batch it covers, then handed to
// [Options].OnCheckpoint to ship. [Reader.VerifyCheckpoints] checks that a
// store still extends checkpoints kept elsewhere (a store cut short,
// replaced by an older copy or rewritten fails with [ErrNotExtended]; a
// forged or foreign checkpoint with [ErrCheckpointSignature]);
// [Reader.Prove] proves one record against a checkpoint and [VerifyProof]
// checks such a proof with nothing but the verifier key;
// [Reader.ProveConsistency] proves that one checkpoint extends another.
// Verification rebuilds the tree and compares every checkpoint stored in
// the segments. Signing keys must stay off the store's filesystem: whoever
// holds one can sign checkpoints of a rewritten store.
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
