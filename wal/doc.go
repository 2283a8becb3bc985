// Package wal is llog's append-only log: a directory of segment files
// holding batches of opaque entries, each batch committed atomically with
// one fsync.
//
// Package llog is the supported API; wal is public so that tools can read a
// store, but it promises less. It knows segment naming, rotation, batch
// commit, fsync, directory sync and torn-tail recovery. It does not know what
// an entry means, how entries are hashed or indexed, or what gets redacted.
//
// # Files
//
// A log directory holds segment files named by the sequence number of their
// first entry, zero-padded to 20 digits so that names sort in log order:
//
//	00000000000000000001.seg
//	00000000000000004097.seg
//
// Each segment is a [segment] file: a 64-byte header, then frames. The
// header's First field is the segment's first sequence number (it must match
// the name) and its Link field is the link value of the last batch committed
// before the segment was created (for the first segment, the value the
// caller gave to [Open]). Files ending in ".tmp" are segments being created;
// [Open] removes them.
//
// # Frames and batches
//
// A batch is written as one write(2): one frame of kind [KindEntry] per
// entry, then one frame of kind [KindCommit], then one fdatasync(2):
//
//	+-------+-------+-----+-------+--------------------------------------+
//	| entry | entry | ... | entry | commit: first u64 LE | count u32 LE  |
//	|       |       |     |       |         link 32 bytes                |
//	+-------+-------+-----+-------+--------------------------------------+
//
// The commit payload is 44 bytes: the sequence number of the batch's first
// entry, the number of entries, and a 32-byte link value chosen by the
// caller (llog stores the hash-chain digest of the batch's last record).
// Entries take consecutive sequence numbers; the entry frames carry no
// sequence number of their own. Entries before a commit frame that does not
// follow them are not part of the log: a batch is all or nothing.
//
// # Checkpoint frames
//
// In segments of header version 2 a batch may carry one frame of kind
// [KindCheckpoint] between its last entry and its commit frame
// ([Batch.SetCheckpoint]), or be that frame alone, committed by a commit
// frame of count 0. Its payload is opaque here (llog stores its signed
// checkpoint and Merkle frontier); the commit frame commits it with the
// batch, so a torn batch loses it too. The [Walker] hands checkpoints to
// the function given to [Walker.OnCheckpoint] as their batch is committed;
// Next yields entries only. A version 1 segment, written before
// checkpoints, is read as before; a log whose active segment is of an
// older version starts a new segment at its next commit ([Log.Rotates]).
//
// # Removal frames
//
// In segments of header version 3 a batch may be a frame of kind
// [KindRemoval] alone (a checkpoint frame may follow it), committed by a
// commit frame of count 0 ([Batch.SetRemoval]). Its payload is opaque here
// (llog records what retention, a repair or a loss removed from the log).
// Its commit frame's first is the sequence number the next entry takes and
// its link what the next batch continues from: usually the walker's next
// and the last link, but a removal may move the sequence numbers forward,
// past entries that were removed at that place (a repair keeps the intact
// batches after damage this way), never back. The [Walker] hands removals
// to the function given to [Walker.OnRemoval], with the numbers skipped.
//
// # Recovery
//
// [Open] reads only the newest segment, from its header to its end:
//
//   - A frame that does not decode (truncated, zero-filled, bad checksum)
//     after which no valid frame exists anywhere in the file is a torn tail:
//     the bytes after the last commit frame were never acknowledged (the
//     fsync that would have acknowledged them did not return), so Open
//     truncates the file there, syncs it and reports the cut in [Recovery].
//     Entries after the last commit frame with no commit at all are cut the
//     same way.
//   - A frame that does not decode followed by any valid frame is
//     corruption: something damaged bytes that were already durable. Open
//     fails with a [*CorruptionError] naming the segment and offset and
//     changes nothing. Nothing committed is ever dropped silently.
//   - A commit frame that does not match the entries before it, an unknown
//     frame kind, a damaged header or a header whose First does not match
//     the file name are corruption too.
//
// Open then syncs the newest segment and the directory, so that batches
// written by a run whose fsync failed or never happened are durable before
// anything is appended after them.
//
// Sealed segments (all but the newest) are never truncated: damage there is
// found by a full verification (llog's Verify), never repaired silently.
//
// A known limit of the "valid frame after damage" rule: a disk that
// persists the pages of the last, unacknowledged batch out of order during a
// power cut can leave a hole followed by valid frames of that same batch.
// Open then refuses the log as corrupt rather than guess. Nothing
// acknowledged is lost, but an operator has to look (and [RepairPlan]
// removes the batch). The crash tests model devices that persist a prefix of the
// last write, torn, zeroed or garbled at its end.
//
// # Reading
//
// Every reader of the format walks a segment with a [Walker]: recovery,
// verification, queries, the index's catch-up and block reads, and repair.
// It yields committed entries with their offsets ([Entry]), classifies how
// the committed entries end (clean, torn, corrupt) with the rule above,
// goes on after damage ([Walker.Resync]) and reads runs of entries at
// positions known to be committed ([Walker.ReadEntries]). Nothing outside
// this package needs to know the size of a frame or of a commit frame.
//
// # Repair
//
// [PlanRepair] says, without changing anything, how to repair a log whose
// segments are damaged (what Open refuses in the newest, what verification
// reports in the others): each damaged segment is rewritten with every batch
// that reads cleanly, before and after the damage, byte for byte, and a
// removal frame in place of each damaged run, whose commit moves the
// sequence numbers past the entries removed there, so the intact batches
// after it keep theirs and no number is ever used twice. A damaged header is
// rebuilt from the file name and the segment before. [RepairPlan.Apply]
// keeps a synced copy of each segment ("<name>.broken-<time>"), then writes
// the rewrite to "<name>.tmp", syncs it and renames it over the segment.

// # Creating, rotating and removing files
//
// A new segment is written as name.tmp, synced, renamed to its name, and
// then the directory is synced, so a segment name never points at a file
// without a durable header. Rotation happens before a batch when the active
// segment has reached the size limit, so a batch never spans two segments.
// Removing a segment is followed by a directory sync.
//
// FORMAT.md in the repository specifies these files byte by byte, with
// what the entries hold, for implementations in other languages.
package wal
