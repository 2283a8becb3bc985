package wal

import "github.com/lowlightlog/llog/segment"

// Batch collects entries to commit together. Add frames each entry as it
// arrives, so Commit only writes. A Batch is reused with Reset and does not
// allocate once its buffers have grown to the batch size.
type Batch struct {
	buf  []byte
	offs []int // offset of each entry's frame from the start of the batch
	// ckpt is the offset of the checkpoint frame at the end of buf when
	// hasCkpt is set.
	ckpt    int
	hasCkpt bool
	// A removal frame, at the start of buf, when hasRemoval is set; next is
	// the sequence number its commit frame gives the next entry (0: the
	// log's next).
	hasRemoval bool
	next       uint64
}

// Add appends an entry to the batch. It returns ErrEntryTooLarge, leaving
// the batch unchanged, for an entry larger than MaxEntrySize.
func (b *Batch) Add(entry []byte) error {
	if b.hasCkpt {
		panic("wal: Batch.Add after SetCheckpoint")
	}
	if b.hasRemoval {
		panic("wal: Batch.Add after SetRemoval")
	}
	off := len(b.buf)
	buf, err := segment.AppendFrame(b.buf, KindEntry, entry)
	if err != nil {
		return ErrEntryTooLarge
	}
	b.buf = buf
	b.offs = append(b.offs, off)
	return nil
}

// Len returns the number of entries in the batch.
func (b *Batch) Len() int { return len(b.offs) }

// Size returns the encoded size of the entries in bytes, and of the
// checkpoint frame when there is one.
func (b *Batch) Size() int { return len(b.buf) }

// SetCheckpoint adds a checkpoint frame holding payload after the entries:
// it is committed with them, by the same commit frame, or it is the whole
// batch when there are no entries. A batch holds at most one checkpoint,
// after its last entry: SetCheckpoint replaces the one set before, and Add
// panics after it. It returns ErrEntryTooLarge for a payload larger than
// MaxEntrySize.
func (b *Batch) SetCheckpoint(payload []byte) error {
	if b.hasCkpt {
		b.buf = b.buf[:b.ckpt]
	}
	off := len(b.buf)
	buf, err := segment.AppendFrame(b.buf, KindCheckpoint, payload)
	if err != nil {
		return ErrEntryTooLarge
	}
	b.buf, b.ckpt, b.hasCkpt = buf, off, true
	return nil
}

// SetRemoval makes the batch a removal: a frame holding payload, committed
// alone (SetCheckpoint may add a checkpoint frame after it). next is the
// sequence number the next entry takes after the batch: 0 means the log's
// next, as for any batch; a larger one moves the log past entries that are
// removed (a repair), which the payload should record. A batch with
// entries cannot hold a removal: SetRemoval panics. It returns
// ErrEntryTooLarge for a payload larger than MaxEntrySize.
func (b *Batch) SetRemoval(payload []byte, next uint64) error {
	if len(b.offs) > 0 || b.hasCkpt || b.hasRemoval {
		panic("wal: SetRemoval on a batch that holds entries, a checkpoint or a removal")
	}
	buf, err := segment.AppendFrame(b.buf[:0], KindRemoval, payload)
	if err != nil {
		return ErrEntryTooLarge
	}
	b.buf, b.hasRemoval, b.next = buf, true, next
	return nil
}

// HasRemoval reports whether SetRemoval was called since Reset.
func (b *Batch) HasRemoval() bool { return b.hasRemoval }

// HasCheckpoint reports whether SetCheckpoint was called since Reset.
func (b *Batch) HasCheckpoint() bool { return b.hasCkpt }

// entriesEnd returns where the entry frames end in buf.
func (b *Batch) entriesEnd() int {
	if b.hasCkpt {
		return b.ckpt
	}
	return len(b.buf)
}

// EntryOffset returns the offset of entry i's frame from the start of the
// batch; add CommitInfo.Offset to get its offset in the segment.
func (b *Batch) EntryOffset(i int) int64 { return int64(b.offs[i]) }

// EntrySize returns the size in bytes of entry i's frame.
func (b *Batch) EntrySize(i int) int64 {
	if i+1 < len(b.offs) {
		return int64(b.offs[i+1] - b.offs[i])
	}
	return int64(b.entriesEnd() - b.offs[i])
}

// Reset empties the batch and keeps its buffers.
func (b *Batch) Reset() {
	b.buf = b.buf[:0]
	b.offs = b.offs[:0]
	b.ckpt, b.hasCkpt = 0, false
	b.hasRemoval, b.next = false, 0
}
