"""Signed checkpoints and Merkle proofs of llog, checked with nothing but
Python 3's standard library (FORMAT.md, section 17).

    python3 tools/llog_verify.py --key PUB EXPORT       an export and its checkpoint
    python3 tools/llog_verify.py --proof FILE --key PUB  one record, proven

This module holds what llog_verify.py needs for checkpoints: Ed25519
signature verification (RFC 8032, section 5.1.7, written out here because
the standard library has none), signed notes and verifier keys in the
formats of golang.org/x/mod/sumdb/note, C2SP tlog-checkpoints, and RFC 6962
Merkle trees (leaf and node hashes, roots, inclusion proofs as RFC 9162
section 2.1.3.2 checks them). It is written from the specifications, not
from llog's Go code.
"""

import base64
import binascii
import hashlib
import json
import re

# ---------------------------------------------------------------- Ed25519

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _add(a, b):
    """Adds two points in extended coordinates (X, Y, Z, T), x = X/Z,
    y = Y/Z, xy = T/Z (RFC 8032, section 5.1.4)."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % _P
    bb = (y1 + x1) * (y2 + x2) % _P
    cc = 2 * t1 * t2 * _D % _P
    dd = 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, pt):
    q = (0, 1, 1, 0)  # the neutral element
    while s > 0:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _decode_point(b):
    if len(b) != 32:
        return None
    y = int.from_bytes(b, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    if x is None:
        return None
    return (x, y, 1, x * y % _P)


def _encode_point(pt):
    x, y, z, _ = pt
    zi = pow(z, _P - 2, _P)
    x, y = x * zi % _P, y * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


_GY = 4 * pow(5, _P - 2, _P) % _P
_B = (_recover_x(_GY, 0), _GY, 1, _recover_x(_GY, 0) * _GY % _P)


def ed25519_verify(public, msg, sig):
    """Reports whether sig (64 bytes) is public's (32 bytes) Ed25519
    signature of msg: [S]B = R + [k]A with k = SHA-512(R || A || msg),
    checked as R == encode([S]B - [k]A), as Go's crypto/ed25519 does."""
    if len(public) != 32 or len(sig) != 64:
        return False
    a = _decode_point(public)
    if a is None:
        return False
    s = int.from_bytes(sig[32:], "little")
    if s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + public + msg).digest(), "little") % _L
    neg_a = ((_P - a[0]) % _P, a[1], a[2], (_P - a[3]) % _P)
    return _encode_point(_add(_mul(s, _B), _mul(k, neg_a))) == sig[:32]


# ---------------------------------------------------------------- signed notes

class NoteError(Exception):
    """A key, note or checkpoint that is malformed or does not verify."""


ALG_ED25519 = 1


def _valid_name(name):
    return name != "" and "+" not in name and not re.search(r"\s", name)


def parse_verifier_key(vkey):
    """Decodes a verifier key "NAME+HASH+BASE64" of golang.org/x/mod/sumdb/note;
    returns (name, key hash, 32-byte public key)."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3 or not _valid_name(parts[0]) or not re.match(r"[0-9a-f]{8}\Z", parts[1]):
        raise NoteError("not a verifier key (NAME+HASH+KEY): %r" % vkey.strip()[:80])
    name, khash = parts[0], int(parts[1], 16)
    try:
        raw = base64.b64decode(parts[2], validate=True)
    except binascii.Error:
        raise NoteError("verifier key %s: the key is not base64" % name)
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise NoteError("verifier key %s: not an Ed25519 key" % name)
    if key_hash(name, raw) != khash:
        raise NoteError("verifier key %s: its hash %08x does not match the key" % (name, khash))
    return name, khash, raw[1:]


def key_hash(name, raw):
    """The 32-bit key hash: the first 4 bytes of SHA-256(name || "\\n" || alg || key)."""
    return int.from_bytes(hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4], "big")


def split_note(msg):
    """Splits a signed note into its text (ending in a newline) and its
    signature lines [(name, key hash, signature bytes)]; a note without
    signatures is its text alone."""
    if isinstance(msg, str):
        msg = msg.encode("utf-8")
    i = msg.rfind(b"\n\n")
    if i < 0:
        if not msg.endswith(b"\n"):
            raise NoteError("the note does not end with a newline")
        return msg, []
    text, block = msg[:i + 1], msg[i + 2:]
    if not block.endswith(b"\n"):
        raise NoteError("the signature block does not end with a newline")
    sigs = []
    for line in block[:-1].split(b"\n"):
        m = re.match(rb"\xe2\x80\x94 (\S+) ([A-Za-z0-9+/=]+)\Z", line)
        if not m:
            raise NoteError("malformed signature line %r" % line[:80])
        raw = base64.b64decode(m.group(2))
        if len(raw) < 5:
            raise NoteError("signature line too short")
        sigs.append((m.group(1).decode("utf-8"), int.from_bytes(raw[:4], "big"), raw[4:]))
    return text, sigs


def verify_note(msg, vkey):
    """Checks that the note msg is signed by the verifier key vkey; returns
    its text. Raises NoteError otherwise."""
    name, khash, public = parse_verifier_key(vkey)
    text, sigs = split_note(msg)
    mine = [s for n, h, s in sigs if n == name and h == khash]
    if not mine:
        raise NoteError("not signed by key %s+%08x (%s)" % (
            name, khash, "unsigned" if not sigs else "signed by " + ", ".join("%s+%08x" % (n, h) for n, h, _ in sigs)))
    if not ed25519_verify(public, text, mine[0]):
        raise NoteError("the signature of key %s+%08x does not verify: the checkpoint was changed" % (name, khash))
    return text


# ---------------------------------------------------------------- checkpoints

ORIGIN_PREFIX = "llog/"


def parse_checkpoint(msg):
    """Decodes an llog checkpoint (signed or not) without checking
    signatures: {"origin", "store_id", "size", "root", "head", "time"}."""
    text, _ = split_note(msg)
    lines = text.decode("utf-8").split("\n")[:-1]
    if len(lines) < 3:
        raise NoteError("a checkpoint has at least an origin, a size and a root")
    origin, size, root = lines[:3]
    if not origin.startswith(ORIGIN_PREFIX):
        raise NoteError("origin %r is not an llog store's" % origin)
    if not re.match(r"(0|[1-9][0-9]*)\Z", size):
        raise NoteError("tree size %r" % size)
    try:
        root = base64.b64decode(root, validate=True)
    except binascii.Error:
        root = b""
    if len(root) != 32:
        raise NoteError("root hash %r" % lines[2])
    ck = {"origin": origin, "store_id": origin[len(ORIGIN_PREFIX):], "size": int(size), "root": root}
    for line in lines[3:]:
        key, _, val = line.partition(" ")
        if key == "head" and "head" not in ck and re.match(r"[0-9a-f]{64}\Z", val):
            ck["head"] = bytes.fromhex(val)
        elif key == "time" and "time" not in ck:
            ck["time"] = val
    if "head" not in ck or "time" not in ck:
        raise NoteError("no head or time extension line")
    return ck


# ---------------------------------------------------------------- RFC 6962

def leaf_hash(digest):
    return hashlib.sha256(b"\x00" + digest).digest()


# The leaf of a record removed in place (a repair, a recorded loss): the
# leaf hash of 32 zero bytes (FORMAT.md section 17). REMOVED_ROOTS[k] is the
# root of 2^k such leaves.
REMOVED_LEAF = hashlib.sha256(b"\x00" + bytes(32)).digest()
REMOVED_ROOTS = [REMOVED_LEAF]
for _ in range(63):
    REMOVED_ROOTS.append(hashlib.sha256(b"\x01" + REMOVED_ROOTS[-1] + REMOVED_ROOTS[-1]).digest())


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """A Merkle tree of n leaves kept as the roots of its perfect subtrees,
    largest first: enough to add leaves and compute the root."""

    def __init__(self, n=0, nodes=()):
        if bin(n).count("1") != len(nodes):
            raise NoteError("a frontier of %d leaves has %d nodes, not %d" % (n, len(nodes), bin(n).count("1")))
        self.n, self.nodes = n, list(nodes)

    def add(self, leaf):
        self.add_subtree(0, leaf)

    def add_subtree(self, level, h):
        """Adds a perfect subtree of 2**level leaves whose root is h; n must
        be a multiple of 2**level."""
        m = self.n >> level
        while m & 1:
            h = node_hash(self.nodes.pop(), h)
            m >>= 1
        self.nodes.append(h)
        self.n += 1 << level

    def skip(self, n):
        """Adds the leaves of n records removed in place, a perfect subtree
        at a time."""
        while n > 0:
            level = n.bit_length() - 1
            if self.n:
                level = min(level, (self.n & -self.n).bit_length() - 1)
            self.add_subtree(level, REMOVED_ROOTS[level])
            n -= 1 << level

    def root(self):
        if not self.nodes:
            return hashlib.sha256(b"").digest()
        r = self.nodes[-1]
        for h in reversed(self.nodes[:-1]):
            r = node_hash(h, r)
        return r


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162, section 2.1.3.2: whether proof leads from the leaf hash at
    index to root in a tree of size leaves."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# ---------------------------------------------------------------- proofs

PROOF_FORMAT = "llog-proof/1"
PROOF_MEMBERS = ["format", "store_id", "record", "leaf_index", "tree_size", "inclusion", "checkpoint"]


def check_proof(doc, vkey, record_hash):
    """Checks a proof document of 'llog prove' with the verifier key vkey
    (None: the signature is not checked). record_hash(rec) recomputes a
    record's chain digest from its members (llog_verify.py). Returns a line
    saying what was proven; raises NoteError."""
    if not isinstance(doc, dict) or list(doc) != PROOF_MEMBERS:
        raise NoteError("not an llog proof: members %s, want %s" % (
            list(doc) if isinstance(doc, dict) else type(doc).__name__, PROOF_MEMBERS))
    if doc["format"] != PROOF_FORMAT:
        raise NoteError("format %r, want %r" % (doc["format"], PROOF_FORMAT))
    note = doc["checkpoint"].encode("utf-8")
    if vkey is not None:
        verify_note(note, vkey)
    ck = parse_checkpoint(note)
    rec = doc["record"]
    seq = rec.get("seq") if isinstance(rec, dict) else None
    if doc["store_id"] != ck["store_id"]:
        raise NoteError("store_id %s, the checkpoint is of store %s" % (doc["store_id"], ck["store_id"]))
    if doc["tree_size"] != ck["size"]:
        raise NoteError("tree_size %r, the checkpoint's is %d" % (doc["tree_size"], ck["size"]))
    if type(seq) is not int or doc["leaf_index"] != seq - 1:
        raise NoteError("leaf_index %r for seq %r" % (doc["leaf_index"], seq))
    h = bytes.fromhex(rec["hash"])
    got = record_hash(rec)
    if got != h:
        raise NoteError("seq %d: the record's members hash to %s, not to its hash %s: the record was changed"
                        % (seq, got.hex(), h.hex()))
    try:
        proof = [base64.b64decode(p, validate=True) for p in doc["inclusion"]]
    except (binascii.Error, TypeError):
        raise NoteError("inclusion: not a list of base64 hashes")
    if any(len(p) != 32 for p in proof) or not verify_inclusion(seq - 1, ck["size"], leaf_hash(h), proof, ck["root"]):
        raise NoteError("seq %d: the inclusion proof does not lead to the checkpoint's root" % seq)
    return "seq %d (hash %s) is record %d of the %d records of store %s in the checkpoint of %s%s" % (
        seq, h.hex(), seq, ck["size"], ck["store_id"], ck["time"], "" if vkey is not None else " (signature not checked)")


# ---------------------------------------------------------------- exports

class ExportCheckpoint:
    """Checks the checkpoint member of an export and the chain report's
    merkle member against the exported records. record() sees each record's
    seq and hash (None when it did not verify); finish() checks."""

    def __init__(self, vkey=None):
        self.vkey = vkey
        self.leaves = bytearray()  # hashes of the records, 32 bytes each
        self.gaps = []  # (records before, from seq, to seq): jumps in seq, removals in place if all goes well
        self.first = None
        self.next = None
        self.broken = False

    def record(self, seq, h):
        if h is None or not isinstance(seq, int) or (self.next is not None and seq < self.next):
            self.broken = True
        elif not self.broken:
            if self.first is None:
                self.first = seq
            elif seq != self.next:
                self.gaps.append((len(self.leaves) // 32, self.next, seq - 1))
            self.leaves += h
        self.next = seq + 1 if isinstance(seq, int) else None

    def finish(self, rep, note, merkle, head):
        """rep is llog_verify's Report; note the export's checkpoint member;
        merkle the chain report's merkle member; head the export object.
        Returns what was checked, for the summary."""
        self.said = []
        self._finish(rep, note, merkle, head)
        return "; ".join(self.said)

    def _finish(self, rep, note, merkle, head):
        filt = head.get("filter") or {}
        unfiltered = filt.get("since") is None and filt.get("until") is None and filt.get("models") == [] \
            and not filt.get("after_seq")
        sid = (head.get("store") or {}).get("id")
        ck = None
        if note is None:
            if self.vkey is not None:
                rep.fail("checkpoint", "the export carries no checkpoint: there is nothing to check the key with")
        else:
            try:
                if not isinstance(note, str):
                    raise NoteError("is not a string")
                if self.vkey is not None:
                    verify_note(note.encode("utf-8"), self.vkey)
                ck = parse_checkpoint(note.encode("utf-8"))
            except NoteError as e:
                rep.fail("checkpoint", str(e))
                ck = None
            if ck is not None and ck["store_id"] != sid:
                rep.fail("checkpoint", "is of store %s, the export of store %s" % (ck["store_id"], sid))
            if ck is not None:
                self.said.append("checkpoint of %d records%s" % (
                    ck["size"], ", signature not checked (no --key)" if self.vkey is None else ", signed by the key"))
        if merkle is None:
            return
        if not unfiltered:
            return  # a filtered export: the Merkle root is not recomputed from its records
        if not merkle.get("known") or self.broken:
            rep.notes.add("checkpoint: the Merkle root is not recomputed (the store's tree is unknown, or records are missing)")
            return
        try:
            base = merkle["base"]
            f = Frontier(base, [base64.b64decode(x, validate=True) for x in merkle["base_frontier"]])
        except (KeyError, TypeError, binascii.Error, NoteError) as e:
            rep.fail("chain.merkle", "base and base_frontier: %s" % e)
            return
        # Records removed in place keep their leaves' places: runs of
        # sequence numbers the export skips must be exactly such removals.
        in_place = {}
        for r in (head.get("chain") or {}).get("removed") or []:
            if isinstance(r, dict) and r.get("policy") in ("repair", "lost"):
                in_place[(r.get("first_seq"), r.get("last_seq"))] = r
        n = len(self.leaves) // 32
        gaps = list(self.gaps)
        if n and self.first != base + 1:
            gaps.insert(0, (0, base + 1, self.first - 1))
        for _, lo, hi in gaps:
            if (lo, hi) not in in_place:
                rep.notes.add("checkpoint: the Merkle root is not recomputed (records %d to %d are missing and "
                              "no removal in place covers them)" % (lo, hi))
                return
        ck_root = None
        if ck is not None and ck["size"] == base:
            ck_root = f.root()
        g = 0
        for i in range(n + 1):
            while g < len(gaps) and gaps[g][0] == i:
                _, lo, hi = gaps[g]
                before = f.n
                f.skip(hi - lo + 1)
                if ck is not None and before < ck["size"] <= f.n:
                    if ck["size"] == f.n and ck["head"] == bytes.fromhex(in_place[(lo, hi)].get("anchor") or ""):
                        ck_root = f.root()
                    else:
                        rep.notes.add("checkpoint: it covers records %d to %d, removed in place since: its root "
                                      "is not recomputed" % (lo, hi))
                        ck = None
                g += 1
            if i == n:
                break
            f.add(leaf_hash(bytes(self.leaves[32 * i:32 * i + 32])))
            if ck is not None and f.n == ck["size"]:
                ck_root = f.root()
                if bytes(self.leaves[32 * i:32 * i + 32]) != ck["head"]:
                    rep.fail("checkpoint", "its head %s is not the hash of record %d" % (ck["head"].hex(), f.n), f.n)
        if merkle.get("tree_size") != f.n or merkle.get("root") != base64.b64encode(f.root()).decode():
            rep.fail("chain.merkle", "the records' Merkle root over %d records is %s, the report says %s over %s"
                     % (f.n, base64.b64encode(f.root()).decode(), merkle.get("root"), merkle.get("tree_size")))
        self.said.append("Merkle root of the records matches")
        if ck is None:
            return
        if ck["size"] < base:
            rep.notes.add("checkpoint: it covers %d records, retention removed the first %d: its root is not recomputed"
                          % (ck["size"], base))
        elif ck_root is None:
            rep.fail("checkpoint", "covers %d records, the export holds records up to %d" % (ck["size"], f.n))
        elif ck_root != ck["root"]:
            rep.fail("checkpoint", "the root of the first %d records is %s, the checkpoint says %s: records were changed"
                     % (ck["size"], base64.b64encode(ck_root).decode(), base64.b64encode(ck["root"]).decode()))


def load_key(path):
    """Reads a verifier key file of 'llog keygen'."""
    with open(path, encoding="utf-8") as f:
        vkey = f.read().strip()
    parse_verifier_key(vkey)
    return vkey


def load_proof(path, stdin=None):
    if path == "-":
        return json.load(stdin)
    with open(path, encoding="utf-8") as f:
        return json.load(f)
