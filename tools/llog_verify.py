#!/usr/bin/env python3
"""Verify an llog export with nothing but Python 3's standard library.

    python3 tools/llog_verify.py [--store-id ID] [--receipt SEQ:HASH]... [--key PUB] [-q] EXPORT
    python3 tools/llog_verify.py --vectors DIR
    python3 tools/llog_verify.py --proof FILE [--key PUB]

EXPORT is the output of `llog export` in any layout: --format json, --format
jsonl, either one compressed with --compress gzip (recognised by its magic
bytes), or "-" for standard input. The checks are those of FORMAT.md,
section 14: the export_hash; every record's hash recomputed from its members
(the record body is rebuilt as FORMAT.md section 12 says and hashed with the
chain rule of section 7); the prev_hash links; the first record against the
chain report's anchor, and the anchor against the genesis of the store id or
the retention records; the last record against the report's head; that an
unfiltered export holds every record of the store; and the store's own
verdict (chain.ok). This file is written from FORMAT.md, not from llog's Go
code: it is the second implementation that keeps the specification honest.

The export's checkpoint (FORMAT.md section 17) is checked too: with --key,
it must be signed by that verifier key; of an unfiltered export, the Merkle
root of the records must be the checkpoint's and the chain report's.
--proof checks a document of 'llog prove': the record re-hashed from its
members, its inclusion proof, and (with --key) the checkpoint's signature.
llog_checkpoint.py, beside this file, holds that part (Ed25519 included).

--vectors DIR checks the known-answer vectors of FORMAT.md section 15
(genesis.json, records.json and the vector exports).

Exit status: 0 everything verifies; 1 something does not (each mismatch is
printed on standard error, naming the record's seq and the member); 2 usage
error or an export that cannot be opened.
"""

import argparse
import datetime
import decimal
import gzip
import hashlib
import io
import json
import os
import re
import struct
import sys
import zlib

# llog_checkpoint.py lies beside this file; python3 -I does not put the
# script's folder on the path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llog_checkpoint  # noqa: E402

# FORMAT.md section 7.
CHAIN_PREFIX = b"llog/chain/v1\x00"
GENESIS_PREFIX = b"llog/genesis/v1\x00"

# FORMAT.md section 11.
EXPORT_FORMAT = "llog-export/1"
HASH_TAIL = 83  # ,"export_hash":" + 64 hex digits + "} + newline
TAIL_RE = re.compile(rb',"export_hash":"([0-9a-f]{64})"\}\n\Z')
TOP_MEMBERS = ["format", "store", "filter", "generated_at", "records", "exported", "chain", "export_hash"]
STORE_MEMBERS = ["id", "path", "created"]
FILTER_MEMBERS = ["since", "until", "models"]
CHAIN_MEMBERS = ["ok", "store_id", "records", "first_seq", "last_seq", "head_hash", "segments", "bytes",
                 "breaks", "break_count", "torn_tail", "anchor", "removed", "index"]
MAX_BREAKS = 100
# Policies of removals in place (FORMAT.md section 8): not retention's.
IN_PLACE = ("repair", "lost")

# FORMAT.md section 12: record members in order, and which may be absent.
RECORD_MEMBERS = ["seq", "time", "model", "provider", "operation", "prompt", "response", "error",
                  "latency_ms", "latency_ns", "tokens_in", "tokens_out", "tokens_in_estimated",
                  "tokens_out_estimated", "trace_id", "span_id", "conversation_id", "attributes",
                  "redactions", "prev_hash", "hash"]
OPTIONAL_STRINGS = {"provider", "operation", "error", "trace_id", "span_id", "conversation_id"}
OPTIONAL_FLAGS = {"tokens_in_estimated": 0x01, "tokens_out_estimated": 0x02}
# The nine strings of the body (FORMAT.md 6.2, fields 7 to 15), in order.
BODY_STRINGS = ["model", "provider", "operation", "prompt", "response", "error", "trace_id", "span_id",
                "conversation_id"]
RECORD_VERSION = 1

U64 = (1 << 64) - 1
I63 = (1 << 63) - 1
HEX64 = re.compile(r"[0-9a-f]{64}\Z")
TIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{9})Z\Z")
EPOCH_DAYS = datetime.date(1970, 1, 1).toordinal()


class Mismatch(Exception):
    """A value that breaks the format: field names the member."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


# ---------------------------------------------------------------- encoding

def uvarint(n):
    """FORMAT.md section 1: unsigned LEB128."""
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def varint(n):
    """FORMAT.md section 1: zig-zag, then uvarint."""
    return uvarint(n << 1 if n >= 0 else ((-n) << 1) - 1)


def string(field, s):
    try:
        b = s.encode("utf-8")
    except UnicodeEncodeError:
        raise Mismatch(field, "is not valid Unicode text (a lone surrogate): it cannot be stored")
    return uvarint(len(b)) + b


def utf8_key(s):
    return s.encode("utf-8", "surrogatepass")


def genesis(store_id):
    return hashlib.sha256(GENESIS_PREFIX + store_id).digest()


def chain_digest(prev, seq, body):
    return hashlib.sha256(CHAIN_PREFIX + prev + struct.pack(">QQ", seq, len(body)) + body).digest()


def parse_time(field, s):
    """An export TIME (FORMAT.md 11.1) as Unix nanoseconds."""
    if not isinstance(s, str):
        raise Mismatch(field, "is not a string")
    m = TIME_RE.match(s)
    if not m:
        raise Mismatch(field, "%r is not RFC 3339 in UTC with nine fractional digits" % s)
    y, mo, d, h, mi, sec, frac = (int(g) for g in m.groups())
    try:
        days = datetime.date(y, mo, d).toordinal() - EPOCH_DAYS
    except ValueError:
        raise Mismatch(field, "%r is not a date" % s)
    if h > 23 or mi > 59 or sec > 59:
        raise Mismatch(field, "%r is not a time of day" % s)
    ns = ((days * 86400 + h * 3600 + mi * 60 + sec) * 10**9) + frac
    if not -(1 << 63) <= ns <= I63:
        raise Mismatch(field, "%r is outside the range of int64 Unix nanoseconds" % s)
    return ns


def is_int(v):
    return type(v) is int


def want_int(rec, field, lo, hi):
    v = rec[field]
    if not is_int(v) or not lo <= v <= hi:
        raise Mismatch(field, "%r is not an integer from %d to %d" % (v, lo, hi))
    return v


def want_hex(field, v):
    if not isinstance(v, str) or not HEX64.match(v):
        raise Mismatch(field, "%r is not 64 lower-case hex digits" % (v,))
    return bytes.fromhex(v)


def latency_ms_of(ns):
    """FORMAT.md section 12: latency_ms as derived from latency_ns."""
    if ns % 10**6 == 0:
        return ns // 10**6
    return float(ns) / 1e6


def record_body(rec, notes):
    """Rebuild the stored body of an export record (FORMAT.md 6.2 and 12).

    Checks every member on the way; returns the body bytes."""
    keys = list(rec)
    for k in keys:
        if k not in RECORD_MEMBERS:
            raise Mismatch(k, "is not a record member of %s: no hash covers it" % EXPORT_FORMAT)
    order = [k for k in RECORD_MEMBERS if k in rec]
    if keys != order:
        raise Mismatch("members", "out of order: %s" % ",".join(keys))
    for k in ("seq", "time", "model", "prompt", "response", "latency_ms", "tokens_in", "tokens_out",
              "redactions", "prev_hash", "hash"):
        if k not in rec:
            raise Mismatch(k, "is missing")
    for k in OPTIONAL_STRINGS:
        if k in rec and (not isinstance(rec[k], str) or rec[k] == ""):
            raise Mismatch(k, "is %r: present only as a non-empty string" % (rec[k],))
    flags = 0
    for k, bit in OPTIONAL_FLAGS.items():
        if k in rec:
            if rec[k] is not True:
                raise Mismatch(k, "is %r: present only as true" % (rec[k],))
            flags |= bit
    for k in ("model", "prompt", "response"):
        if not isinstance(rec[k], str):
            raise Mismatch(k, "is not a string")

    t = parse_time("time", rec["time"])
    if "latency_ns" in rec:
        lat = want_int(rec, "latency_ns", 0, I63)
        want = latency_ms_of(lat)
        got = rec["latency_ms"]
        if type(got) is not type(want) or got != want:
            raise Mismatch("latency_ms", "is %r, but latency_ns %d makes it %r" % (got, lat, want))
    else:
        # An export from before latency_ns (FORMAT.md section 12).
        ms = rec["latency_ms"]
        if is_int(ms):
            lat = ms * 10**6
        elif isinstance(ms, float):
            lat = int((decimal.Decimal(repr(ms)) * 10**6).to_integral_value())
            notes.add("latency_ns is missing (an export made before llog wrote it): latencies come from "
                      "latency_ms, which is exact only up to about 8.6e15 ns")
        else:
            raise Mismatch("latency_ms", "%r is not a number" % (ms,))
        if not 0 <= lat <= I63:
            raise Mismatch("latency_ms", "%r is out of range" % (ms,))
    tin = want_int(rec, "tokens_in", 0, I63)
    tout = want_int(rec, "tokens_out", 0, I63)

    body = bytearray([RECORD_VERSION, flags])
    body += varint(t) + uvarint(lat) + uvarint(tin) + uvarint(tout)
    for k in BODY_STRINGS:
        body += string(k, rec.get(k, ""))

    attrs = rec.get("attributes", {})
    if not isinstance(attrs, dict) or ("attributes" in rec and not attrs):
        raise Mismatch("attributes", "is %r: present only as a non-empty object of strings" % (attrs,))
    body += uvarint(len(attrs))
    for k in sorted(attrs, key=utf8_key):
        v = attrs[k]
        if not isinstance(v, str):
            raise Mismatch("attributes", "the value of %r is not a string" % k)
        body += string("attributes", k) + string("attributes", v)
    if list(attrs) != sorted(attrs, key=utf8_key):
        raise Mismatch("attributes", "keys are not in the order of their UTF-8 bytes")

    red = rec["redactions"]
    if not isinstance(red, dict):
        raise Mismatch("redactions", "is not an object")
    body += uvarint(len(red))
    for k in sorted(red, key=utf8_key):
        n = red[k]
        if not is_int(n) or not 1 <= n <= I63:
            raise Mismatch("redactions", "the count of %r is %r: not an integer from 1 to %d" % (k, n, I63))
        body += string("redactions", k) + uvarint(n)
    if list(red) != sorted(red, key=utf8_key):
        raise Mismatch("redactions", "categories are not in the order of their UTF-8 bytes")
    return bytes(body)


# ---------------------------------------------------------------- reading

def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("duplicate member %r" % k)
        d[k] = v
    return d


def _no_constant(name):
    raise ValueError("%s is not JSON" % name)


DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constant)


def canon(v):
    """FORMAT.md section 11.2."""
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def parse_line(line, what):
    """Decode one line (without its newline), checking that it is a
    canonical JSON object."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Mismatch(what, "is not UTF-8: %s" % e)
    try:
        v = DECODER.decode(text)
    except ValueError as e:
        raise Mismatch(what, "is not valid JSON: %s" % e)
    if not isinstance(v, dict):
        raise Mismatch(what, "is not a JSON object")
    if canon(v) != text:
        raise Mismatch(what, "is not canonical JSON (FORMAT.md 11.2): it was re-encoded or edited")
    return v


def open_export(path):
    """A binary stream of the export's uncompressed bytes (FORMAT.md 11.1).
    Raises OSError when it cannot be opened."""
    f = sys.stdin.buffer if path == "-" else open(path, "rb")
    f = io.BufferedReader(f) if not hasattr(f, "peek") else f
    if f.peek(2)[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=f, mode="rb")
    return f


# ---------------------------------------------------------------- checking

class Report:
    """Mismatches (failures) and notes (printed, not failures)."""

    MAX_KEPT = 1000

    def __init__(self):
        self.problems = []
        self.count = 0
        self.notes = set()
        self.summary = ""

    def fail(self, field, message, seq=None):
        self.count += 1
        if len(self.problems) < self.MAX_KEPT:
            where = "seq %d: " % seq if seq is not None else ""
            self.problems.append("%s%s: %s" % (where, field, message))

    def print(self, out, prefix="llog_verify: "):
        for n in sorted(self.notes):
            print(prefix + "note: " + n, file=out)
        for p in self.problems:
            print(prefix + p, file=out)
        if self.count > len(self.problems):
            print(prefix + "... and %d more" % (self.count - len(self.problems)), file=out)


def check_members(rep, obj, known, what):
    """Known members in their order; unknown ones are noted."""
    keys = [k for k in obj if k in known]
    if keys != [k for k in known if k in obj]:
        rep.fail(what, "members out of order: %s" % ",".join(obj))
    for k in obj:
        if k not in known:
            rep.notes.add("%s has a member this verifier does not know: %r (not checked)" % (what, k))
    for k in known:
        if k not in obj:
            raise Mismatch(k if what == "export" else "%s.%s" % (what, k), "is missing")


class ChainReport:
    """The members of the chain report the checks use (FORMAT.md section 13),
    decoded and type-checked."""

    def __init__(self, ch):
        self.ok = ch["ok"]
        if type(self.ok) is not bool:
            raise Mismatch("chain.ok", "is not true or false")
        for k in ("records", "first_seq", "last_seq", "break_count"):
            if not is_int(ch[k]) or not 0 <= ch[k] <= U64:
                raise Mismatch("chain." + k, "%r is not a non-negative integer" % (ch[k],))
        self.records, self.first_seq, self.last_seq = ch["records"], ch["first_seq"], ch["last_seq"]
        self.break_count = ch["break_count"]
        self.head = want_hex("chain.head_hash", ch["head_hash"])
        self.anchor = want_hex("chain.anchor", ch["anchor"])
        self.store_id = ch["store_id"]
        self.breaks, self.removed, self.torn = ch["breaks"], ch["removed"], ch["torn_tail"]
        if not isinstance(self.breaks, list):
            raise Mismatch("chain.breaks", "is not a list")
        if not isinstance(self.removed, list) or not all(
                isinstance(r, dict) and is_int(r.get("first_seq")) and is_int(r.get("last_seq"))
                and isinstance(r.get("policy"), str) and r["first_seq"] <= r["last_seq"] for r in self.removed):
            raise Mismatch("chain.removed", "is not a list of removal records")
        if self.torn is not None and not isinstance(self.torn, dict):
            raise Mismatch("chain.torn_tail", "is neither null nor an object")
        # Removals by retention (whole segments before the first record)
        # and in place (a repair's, or a loss a writer recorded: records
        # removed where they were, FORMAT.md section 8).
        self.retention = [r for r in self.removed if r["policy"] not in IN_PLACE]
        self.in_place = [r for r in self.removed if r["policy"] in IN_PLACE]
        for r in self.in_place:
            want_hex("chain.removed", r.get("anchor"))
        # The last sequence number retention removed (0 when none).
        self.removed_to = max([0] + [r["last_seq"] for r in self.retention])

    def in_place_ending(self, seq):
        """The removal in place of records up to seq, or None."""
        for r in self.in_place:
            if r["last_seq"] == seq:
                return r
        return None

    def removed_in_place(self, seq):
        """Whether a removal in place covers seq."""
        return any(r["first_seq"] <= seq <= r["last_seq"] for r in self.in_place)


class ExportChecker:
    """The checks of FORMAT.md section 14. Records are fed one at a time, as
    a jsonl export is read (record), and the members after them at the end
    (finish), so memory does not grow with the export. Each check of the
    members after the records is a method of its own: a new export member
    brings a new method."""

    MAX_GAPS = 100

    def __init__(self, rep, store_id=None, receipts=(), key=None):
        self.rep = rep
        self.cp = llog_checkpoint.ExportCheckpoint(key)  # the checkpoint member (FORMAT.md 17)
        self.store_id = store_id
        self.receipts = dict(receipts)
        self.hashes = {}    # seq -> hash of the records named by receipts
        self.n = 0          # records in the export
        self.first = None   # (seq, prev_hash or None) of the first record
        self.last = None    # (seq, hash or None) of the record before, then of the last record
        self.gaps = []      # (after, before): the first MAX_GAPS jumps in seq
        self.n_gaps = 0
        self.min_t = self.max_t = None  # (Unix ns, seq, text) of the earliest and latest times
        self.models = {}    # model -> seq of its first record

    def record(self, rec, where):
        """Check one record: a decoded object, or None when its line did not
        decode (that was reported)."""
        rep = self.rep
        self.n += 1
        if not isinstance(rec, dict):
            if rec is not None:
                rep.fail("records", "%s is not an object" % where)
            self.last = None
            self.cp.broken = True
            return
        seq = rec.get("seq")
        if not is_int(seq) or not 1 <= seq <= U64:
            rep.fail("seq", "%s: %r is not a sequence number" % (where, seq))
            self.last = None
            self.cp.broken = True
            return
        ph = h = None
        try:
            body = record_body(rec, rep.notes)
            ph = want_hex("prev_hash", rec["prev_hash"])
            h = want_hex("hash", rec["hash"])
        except Mismatch as e:
            rep.fail(e.field, e.message, seq)
        if h is not None:
            got = chain_digest(ph, seq, body)
            if got != h:
                hint = ""
                if "latency_ns" not in rec and not is_int(rec["latency_ms"]):
                    hint = " (latency_ns is missing: latency_ms may not give the exact latency)"
                rep.fail("hash", "recomputed from the record's members it is %s, the record says %s: a "
                         "member was changed%s" % (got.hex(), h.hex(), hint), seq)
            t = parse_time("time", rec["time"])
            if self.min_t is None or t < self.min_t[0]:
                self.min_t = (t, seq, rec["time"])
            if self.max_t is None or t > self.max_t[0]:
                self.max_t = (t, seq, rec["time"])
            self.models.setdefault(rec["model"], seq)
        if self.last is not None:
            pseq, phash = self.last
            if seq <= pseq:
                rep.fail("seq", "comes after seq %d: records are out of order or repeated" % pseq, seq)
            elif seq == pseq + 1 and None not in (ph, phash) and ph != phash:
                rep.fail("prev_hash", "is %s, the hash of seq %d is %s: the chain does not link"
                         % (ph.hex(), pseq, phash.hex()), seq)
            elif seq > pseq + 1:
                self.n_gaps += 1
                if len(self.gaps) < self.MAX_GAPS:
                    self.gaps.append((pseq, seq, ph))
        if self.first is None:
            self.first = (seq, ph)
        self.last = (seq, h)
        self.cp.record(seq, h)
        if seq in self.receipts:
            self.hashes[seq] = h

    def finish(self, head, layout):
        """Check the members after the records (the jsonl trailer, or the
        json object without its records) and tie the records to them."""
        known = [k for k in TOP_MEMBERS if layout == "json" or k != "records"]
        note = head.pop("checkpoint", None)
        merkle = head["chain"].pop("merkle", None) if isinstance(head.get("chain"), dict) else None
        check_members(self.rep, head, known, "export")
        if head["format"] != EXPORT_FORMAT:
            raise Mismatch("format", "is %r: this verifier reads %s" % (head["format"], EXPORT_FORMAT))
        for what, names in (("store", STORE_MEMBERS), ("filter", FILTER_MEMBERS), ("chain", CHAIN_MEMBERS)):
            if not isinstance(head[what], dict):
                raise Mismatch(what, "is not an object")
            obj = head[what]
            if what == "filter":  # after_seq is there only when not 0
                obj = {k: v for k, v in obj.items() if k != "after_seq"}
            check_members(self.rep, obj, names, what)
        if not is_int(head["exported"]):
            raise Mismatch("exported", "is not an integer")
        sid = self.check_store(head)
        ch = ChainReport(head["chain"])
        self.check_verdict(ch)
        self.check_anchor(ch, sid)
        self.check_records(ch, head)
        self.check_receipts(ch)
        cps = self.cp.finish(self.rep, note, merkle, head)
        self.rep.summary = "%s export of store %s: %d of the store's %d records (seq %d to %d), head %s" % (
            layout, sid, self.n, ch.records, ch.first_seq, ch.last_seq, ch.head.hex())
        if cps:
            self.rep.summary += "; " + cps

    def check_store(self, head):
        """The store member (FORMAT.md 11.1); returns the store id."""
        rep, store = self.rep, head["store"]
        sid = store["id"]
        if not isinstance(sid, str) or not re.match(r"[0-9a-f]{32}\Z", sid):
            raise Mismatch("store.id", "%r is not 32 lower-case hex digits" % (sid,))
        if self.store_id is not None and sid != self.store_id:
            rep.fail("store.id", "is %s, not the store %s you named" % (sid, self.store_id))
        if head["chain"]["store_id"] != sid:
            rep.fail("chain.store_id", "is %r, store.id is %s" % (head["chain"]["store_id"], sid))
        for field, v in (("store.created", store["created"]), ("generated_at", head["generated_at"])):
            try:
                parse_time(field, v)
            except Mismatch as e:
                rep.fail(e.field, e.message)
        if not isinstance(store["path"], str):
            rep.fail("store.path", "is not a string")
        return sid

    def check_verdict(self, ch):
        """The store's own verdict (FORMAT.md section 14, item 7)."""
        rep = self.rep
        if ch.ok != (ch.break_count == 0) or len(ch.breaks) != min(ch.break_count, MAX_BREAKS):
            rep.fail("chain.break_count", "ok %s, %d breaks listed and break_count %d do not agree"
                     % (ch.ok, len(ch.breaks), ch.break_count))
        if not ch.ok:
            rep.fail("chain.ok", "false: the store did not verify when it was exported (%d breaks, "
                     "listed next)" % ch.break_count)
            for b in ch.breaks:
                seq = b.get("seq") if isinstance(b, dict) else None
                rep.fail("chain.breaks", canon(b), seq if is_int(seq) and seq > 0 else None)
        # A torn tail is not a failure, unless the index had seen records in
        # it committed: then acknowledged records were lost.
        n = ch.torn.get("indexed_records") if ch.torn else None
        if is_int(n) and n > 0:
            rep.fail("chain.torn_tail", "%d records that the index had seen committed are in the torn tail "
                     "of %s: acknowledged records were lost" % (n, ch.torn.get("segment")))

    def check_anchor(self, ch, sid):
        """The anchor against the genesis or the retention records (FORMAT.md
        section 8), and an empty store's report."""
        rep = self.rep
        if not ch.retention:
            gen = genesis(bytes.fromhex(self.store_id or sid))
            if ch.anchor != gen:
                rep.fail("chain.anchor", "is %s; with no retention record it must be the genesis of store "
                         "%s, %s" % (ch.anchor.hex(), self.store_id or sid, gen.hex()))
        else:
            latest = max(ch.retention, key=lambda r: r["last_seq"])
            if latest.get("anchor") != ch.anchor.hex():
                rep.fail("chain.anchor", "is %s, the latest retention record's anchor is %r"
                         % (ch.anchor.hex(), latest.get("anchor")))
            if ch.records > 0 and ch.first_seq != latest["last_seq"] + 1:
                rep.fail("chain.first_seq", "is %d, but retention removed records up to %d"
                         % (ch.first_seq, latest["last_seq"]))
        if ch.records == 0:
            if ch.first_seq or ch.last_seq:
                rep.fail("chain.first_seq", "the store holds no record, yet first_seq is %d and last_seq %d"
                         % (ch.first_seq, ch.last_seq))
            if ch.head != ch.anchor:
                rep.fail("chain.head_hash", "the store holds no record, so the head must be the anchor %s, "
                         "not %s" % (ch.anchor.hex(), ch.head.hex()))
        elif ch.ok:
            span = ch.last_seq - ch.first_seq + 1
            for r in ch.in_place:  # records removed in place between them
                span -= max(0, min(r["last_seq"], ch.last_seq) - max(r["first_seq"], ch.first_seq) + 1)
            if span != ch.records:
                rep.fail("chain.records", "is %d, but first_seq %d and last_seq %d, less the records removed in "
                         "place, make %d" % (ch.records, ch.first_seq, ch.last_seq, span))

    def check_records(self, ch, head):
        """The records against the report and the filter (FORMAT.md section
        14, items 4 to 6)."""
        rep, flt = self.rep, head["filter"]
        since = None if flt["since"] is None else parse_time("filter.since", flt["since"])
        until = None if flt["until"] is None else parse_time("filter.until", flt["until"])
        models = flt["models"]
        if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
            raise Mismatch("filter.models", "is not a list of strings")
        after = flt.get("after_seq", 0)
        if not is_int(after) or after < 0:
            raise Mismatch("filter.after_seq", "is not a non-negative integer")
        whole = since is None and until is None and not models and after == 0 and ch.ok  # must hold every record

        if head["exported"] != self.n:
            rep.fail("exported", "is %d, the export holds %d records" % (head["exported"], self.n))
        if self.n > ch.records:
            rep.fail("records", "the export holds %d records, the store had %d" % (self.n, ch.records))
        if self.first is not None:
            seq, ph = self.first
            if seq <= after:
                rep.fail("seq", "is not after the filter's after_seq %d" % after, seq)
            if seq < ch.first_seq:
                rep.fail("seq", "is before the store's first record, seq %d" % ch.first_seq, seq)
            anchor = ch.anchor
            r = ch.in_place_ending(seq - 1)
            if r is not None:  # records removed in place just before it
                anchor = bytes.fromhex(r["anchor"])
            if seq == ch.first_seq and ph is not None and ph != anchor:
                rep.fail("prev_hash", "the store's first record must follow the anchor %s, not %s"
                         % (anchor.hex(), ph.hex()), seq)
            if whole and seq != ch.first_seq:
                rep.fail("seq", "an unfiltered export must start with the store's first record, seq %d"
                         % ch.first_seq, seq)
        if self.last is not None:
            seq, h = self.last
            if seq > ch.last_seq:
                rep.fail("seq", "is beyond the store's last record, seq %d" % ch.last_seq, seq)
            if seq == ch.last_seq and h is not None and h != ch.head:
                rep.fail("chain.head_hash", "is %s, but the store's last record has hash %s"
                         % (ch.head.hex(), h.hex()), seq)
            if whole and seq != ch.last_seq:
                rep.fail("seq", "an unfiltered export must end with the store's last record, seq %d"
                         % ch.last_seq, seq)
        for after, before, ph in self.gaps:
            r = ch.in_place_ending(before - 1)
            if r is not None and r["first_seq"] == after + 1:
                # Removed in place: the record after links to the anchor.
                if ph is not None and ph != bytes.fromhex(r["anchor"]):
                    rep.fail("prev_hash", "is %s; records %d to %d were removed (%s) and the chain goes on from "
                             "their anchor %s" % (ph.hex(), after + 1, before - 1, r["policy"], r["anchor"]), before)
                continue
            if whole:
                missing = "record %d is" % (after + 1) if before == after + 2 else \
                    "records %d to %d are" % (after + 1, before - 1)
                rep.fail("seq", "follows seq %d: %s missing from an unfiltered export" % (after, missing), before)
        if whole:
            if self.n_gaps > len(self.gaps):
                rep.fail("seq", "and %d more places where records are missing" % (self.n_gaps - len(self.gaps)))
            if self.n != ch.records:
                rep.fail("records", "an unfiltered export must hold all %d records of the store; it holds %d"
                         % (ch.records, self.n))
        if since is not None and self.min_t is not None and self.min_t[0] < since:
            rep.fail("time", "%s is before the filter's since" % self.min_t[2], self.min_t[1])
        if until is not None and self.max_t is not None and self.max_t[0] >= until:
            rep.fail("time", "%s is not before the filter's until" % self.max_t[2], self.max_t[1])
        if models:
            for m, seq in self.models.items():
                if m not in models:
                    rep.fail("model", "%r is not among the filter's models" % m, seq)

    def check_receipts(self, ch):
        """Digests the caller trusts (FORMAT.md section 14, item 8)."""
        rep = self.rep
        for seq, h in sorted(self.receipts.items()):
            if self.hashes.get(seq) is not None:
                if self.hashes[seq] != h:
                    rep.fail("receipt", "the export has hash %s, the receipt %s" % (self.hashes[seq].hex(), h.hex()), seq)
            elif seq == ch.last_seq and ch.records:
                if ch.head != h:
                    rep.fail("receipt", "the store's head is %s, the receipt %s" % (ch.head.hex(), h.hex()), seq)
            elif (ch.records and seq == ch.first_seq - 1) or (not ch.records and seq == ch.removed_to):
                if ch.anchor != h:
                    rep.fail("receipt", "the chain's anchor is %s, the receipt %s" % (ch.anchor.hex(), h.hex()), seq)
            elif seq > max(ch.last_seq, ch.removed_to) and not ch.removed_in_place(seq):
                rep.fail("receipt", "the store ends at seq %d: it no longer holds a record it acknowledged"
                         % max(ch.last_seq, ch.removed_to), seq)
            elif ch.removed_in_place(seq):
                rep.notes.add("seq %d: receipt not checked: the record was removed in place (a repair, or a "
                              "recorded loss; chain.removed says which)" % seq)
            elif ch.records == 0 or seq < ch.first_seq:
                rep.notes.add("seq %d: receipt not checked: retention removed the record" % seq)
            else:
                rep.notes.add("seq %d: receipt not checked: the record is not in this (filtered) export" % seq)


def check_export(stream, store_id=None, receipts=(), key=None):
    """Verify the export whose uncompressed bytes stream yields; return the
    Report. key, a verifier key, makes the export's checkpoint a must."""
    rep = Report()
    ck = ExportChecker(rep, store_id, receipts, key)
    h = hashlib.sha256()
    pending = None
    i = 0
    try:
        try:
            for line in stream:
                if pending is not None:
                    h.update(pending)
                    i += 1
                    try:
                        rec = parse_line(pending[:-1], "line %d" % i)
                    except Mismatch as e:
                        rep.fail(e.field, e.message)
                        rec = None
                    ck.record(rec, "line %d" % i)
                pending = line
        except (OSError, EOFError, zlib.error) as e:
            if isinstance(stream, gzip.GzipFile):
                raise Mismatch("gzip", "the compressed export is damaged or truncated: %s" % e)
            raise
        # The last line: the jsonl trailer or the json object (FORMAT.md 11.1).
        m = TAIL_RE.search(pending or b"")
        if not m:
            raise Mismatch("export_hash", "the export does not end with its export_hash member: it is "
                           "truncated or not an llog export")
        h.update(pending[:-HASH_TAIL] + b"}")
        if h.hexdigest() != m.group(1).decode():
            rep.fail("export_hash", "the export's bytes hash to %s, the export says %s: the file changed "
                     "after it was written" % (h.hexdigest(), m.group(1).decode()))
        last = parse_line(pending[:-1], "line %d" % (i + 1))
        layout = "jsonl"
        if "records" in last:
            layout = "json"
            if i:
                raise Mismatch("records", "a json export is one line; this one has %d" % (i + 1))
            recs = last["records"]
            if not isinstance(recs, list):
                raise Mismatch("records", "is not a list")
            for j, rec in enumerate(recs):
                ck.record(rec, "record %d" % (j + 1))
        ck.finish(last, layout)
    except Mismatch as e:
        rep.fail(e.field, e.message)
    return rep


# ---------------------------------------------------------------- vectors

def check_vectors(d):
    """The known-answer vectors of FORMAT.md section 15."""
    rep = Report()
    with open(os.path.join(d, "genesis.json"), encoding="utf-8") as f:
        gens = json.load(f)
    for v in gens:
        got = genesis(bytes.fromhex(v["store_id"])).hex()
        if got != v["genesis"]:
            rep.fail("genesis", "store %s: computed %s, the vector says %s" % (v["store_id"], got, v["genesis"]))
    with open(os.path.join(d, "records.json"), encoding="utf-8") as f:
        vec = json.load(f)
    prev = genesis(bytes.fromhex(vec["store_id"]))
    if prev.hex() != vec["genesis"]:
        rep.fail("genesis", "records.json: computed %s, the vector says %s" % (prev.hex(), vec["genesis"]))
    for v in vec["records"]:
        rec = v["record"]
        seq = rec["seq"]
        try:
            body = record_body(rec, rep.notes)
        except Mismatch as e:
            rep.fail(e.field, "%s (%s)" % (e.message, v["name"]), seq)
            continue
        if body.hex() != v["body"]:
            rep.fail("body", "built from the members it is %s, the vector says %s (%s)"
                     % (body.hex(), v["body"], v["name"]), seq)
        if rec["prev_hash"] != prev.hex():
            rep.fail("prev_hash", "does not follow the record before (%s)" % v["name"], seq)
        prev = chain_digest(bytes.fromhex(rec["prev_hash"]), seq, bytes.fromhex(v["body"]))
        if prev.hex() != rec["hash"]:
            rep.fail("hash", "computed %s, the vector says %s (%s)" % (prev.hex(), rec["hash"], v["name"]), seq)
    exports = ("export.json", "export.jsonl", "export.json.gz")
    for name in exports:
        with open_export(os.path.join(d, name)) as f:
            r = check_export(f, store_id=vec["store_id"])
        rep.count += r.count
        rep.problems += ["%s: %s" % (name, p) for p in r.problems]
        rep.notes |= r.notes
    rep.summary = "vectors: %d genesis digests, %d records and %d exports verify" % (
        len(gens), len(vec["records"]), len(exports))
    return rep


# ---------------------------------------------------------------- command line

def parse_receipt(s):
    m = re.match(r"(\d+):([0-9a-fA-F]{64})\Z", s)
    if not m or int(m.group(1)) < 1:
        raise argparse.ArgumentTypeError("want SEQ:HASH (a sequence number and 64 hex digits), got %r" % s)
    return int(m.group(1)), bytes.fromhex(m.group(2))


def parse_store_id(s):
    if not re.match(r"[0-9a-fA-F]{32}\Z", s):
        raise argparse.ArgumentTypeError("want 32 hex digits, got %r" % s)
    return s.lower()


def check_proof_file(path, key, quiet):
    """Checks a proof document; returns the exit status."""
    try:
        doc = llog_checkpoint.load_proof(path, sys.stdin)
    except ValueError as e:
        print("llog_verify: --proof %s: not JSON: %s" % (path, e), file=sys.stderr)
        return 1
    notes = set()

    def record_hash(rec):
        return chain_digest(bytes.fromhex(rec["prev_hash"]), rec["seq"], record_body(rec, notes))

    try:
        what = llog_checkpoint.check_proof(doc, key, record_hash)
    except (llog_checkpoint.NoteError, Mismatch, KeyError, TypeError, ValueError) as e:
        msg = "%s: %s" % (e.field, e.message) if isinstance(e, Mismatch) else str(e)
        print("llog_verify: FAILED: proof %s: %s" % (path, msg), file=sys.stderr)
        return 1
    if not quiet:
        print("ok: " + what)
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="llog_verify.py",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Verify an llog export (json, jsonl, either one gzipped) with nothing but Python 3: "
                    "the export_hash, every record's hash recomputed from its members, the prev_hash "
                    "links, the first record against the anchor or the genesis, the last against the "
                    "chain report's head, that an unfiltered export is complete, and the store's own "
                    "verdict. FORMAT.md section 14 lists every check.",
        epilog="exit status: 0 the export verifies; 1 it does not (each mismatch is printed on standard "
               "error, with the record's seq and the member); 2 usage error, or an export that cannot "
               "be opened.\n\nexample:\n  python3 tools/llog_verify.py --store-id "
               "000102030405060708090a0b0c0d0e0f testdata/vectors/export.json.gz")
    p.add_argument("export", nargs="?", metavar="EXPORT",
                   help="the export file (json, jsonl, or either one gzipped), or - for standard input")
    p.add_argument("--store-id", type=parse_store_id, metavar="ID",
                   help="the store identity you expect (32 hex digits, from llog.store or an earlier "
                        "export): the chain must start from its genesis")
    p.add_argument("--receipt", type=parse_receipt, action="append", default=[], metavar="SEQ:HASH",
                   help="a record hash you trust (a LogSync receipt, an earlier export's head): the export "
                        "must agree with it, and a store that ends before SEQ fails; may be repeated")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when the export verifies")
    p.add_argument("--vectors", metavar="DIR",
                   help="check the known-answer vectors in DIR (testdata/vectors) instead of an export")
    p.add_argument("--key", metavar="PUB",
                   help="a verifier key file (from 'llog keygen'): the export's checkpoint, or the proof's, "
                        "must be signed by it (FORMAT.md section 17)")
    p.add_argument("--proof", metavar="FILE",
                   help="check a proof document of 'llog prove' (or - for standard input) instead of an "
                        "export: the record's hash, its inclusion proof and the checkpoint's signature")
    a = p.parse_args(argv)
    if [a.export, a.vectors, a.proof].count(None) != 2:
        p.error("give one EXPORT, or --vectors DIR, or --proof FILE")
    try:
        key = llog_checkpoint.load_key(a.key) if a.key is not None else None
    except (OSError, llog_checkpoint.NoteError) as e:
        print("llog_verify: --key: %s" % e, file=sys.stderr)
        return 2
    try:
        if a.proof is not None:
            return check_proof_file(a.proof, key, a.quiet)
        if a.vectors is not None:
            rep = check_vectors(a.vectors)
        else:
            with open_export(a.export) as f:
                rep = check_export(f, a.store_id, a.receipt, key)
    except OSError as e:
        print("llog_verify: %s" % e, file=sys.stderr)
        return 2
    rep.print(sys.stderr)
    if rep.count:
        print("llog_verify: FAILED: %d mismatches" % rep.count, file=sys.stderr)
        return 1
    if not a.quiet:
        print("ok: " + rep.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
