// Package segment reads and writes the framing of llog segment files: a
// fixed file header followed by length- and CRC32-C-framed payloads.
//
// The package moves bytes and knows nothing else: not file names, rotation,
// fsync policy, hashing or what a payload means. Package wal builds the log
// on top of it, and package llog (the supported API) gives payloads meaning.
//
// # File header
//
// Every segment file starts with a 64-byte header:
//
//	0         8         10        12        16        24                      56        60      64
//	+---------+---------+---------+---------+---------+-----------------------+---------+-------+
//	| magic   | version | flags   | zero    | first   | link                  | zero    | CRC   |
//	| 8 bytes | u16 LE  | u16 LE  | 4 bytes | u64 LE  | 32 bytes              | 4 bytes | u32 LE|
//	+---------+---------+---------+---------+---------+-----------------------+---------+-------+
//
// magic is "\x89LLOGSG\n". version is [Version] (3) for files written now;
// [ParseHeader] also reads versions 1 and 2. The versions frame bytes the
// same way: each newer one only lets the log above use a frame kind the
// one before did not have (checkpoints in 2, removals in 3), so an older
// reader says "newer version" instead of reporting that kind as damage.
// flags and the zero fields are zero in all of them. first and link are opaque to this package: the
// log above stores the sequence number of the segment's first entry and the
// 32-byte value that links the segment to the one before it. CRC is the
// masked CRC32-C (see below) of bytes 0 to 60.
//
// [ParseHeader] tells apart three cases with three errors: not a segment file
// ([ErrNotSegment], wrong magic), written by a newer version of the format
// ([ErrNewerVersion]) and damaged ([ErrBadHeader]).
//
// # Frames
//
// After the header come frames, back to back with no padding:
//
//	0               4               8      9           12              16
//	+---------------+---------------+------+-----------+---------------+------------------+
//	| payload CRC   | length        | kind | zero      | header CRC    | payload          |
//	| u32 LE        | u32 LE        | u8   | 3 bytes   | u32 LE        | length bytes     |
//	+---------------+---------------+------+-----------+---------------+------------------+
//
// payload CRC is the masked CRC32-C of the payload. length is the payload
// length in bytes, at most [MaxPayload]. kind is chosen by the caller and is
// never 0. header CRC is the masked CRC32-C of bytes 0 to 12 of the frame
// header, so the header can be checked on its own: that is what lets
// [FindFrame] search damaged bytes for a later valid frame cheaply.
//
// A run of zero bytes never decodes as a frame: the header CRC of twelve
// zero bytes is not zero, and kind 0 is invalid. This matters because an
// unmasked CRC32-C of an empty input is 0, and filesystems leave zero-filled
// blocks at the end of a file after a power cut.
//
// # Checksums
//
// Checksums are CRC32-C (Castagnoli), computed with
// github.com/klauspost/crc32, and stored masked as LevelDB and Pebble do:
// masked = ((crc >> 15) | (crc << 17)) + 0xa282ead8. Masking keeps a frame
// whose payload is itself checksummed data from having a trivially
// predictable checksum.
//
// All constants and offsets in this package are part of the on-disk format:
// never change them; add a new [Version] instead. FORMAT.md in the
// repository specifies the whole store, this framing included, for
// implementations in other languages.
package segment
