// Command bench compares llog's durable ingest with the two things users
// would otherwise reach for: SQLite in WAL mode (the design of the Python
// tool llog succeeds) and a hand-written append-only file with one
// fdatasync per batch (the ceiling for llog's design on a given disk).
//
// Every system ingests the same generated chat-like records (prompts and
// responses with some personal data, from internal/gen) in the same batch
// sizes. Runs are interleaved system by system and repeated for several
// rounds; the table shows medians with the min–max of records/s. Each run
// happens in a child process (this program re-executed), so that its peak
// RSS (VmHWM) and the bytes it caused to be written to the device
// (write_bytes of /proc/self/io) belong to that system alone.
//
// Usage, from the repository root:
//
//	go -C bench run .                    # the comparison table
//	go -C bench run . --quick            # a small smoke run
//	go -C bench run . overload           # memory under sustained overload
//	go -C bench run . --help             # every flag
//
// See README.md for how to read the columns.
package main
