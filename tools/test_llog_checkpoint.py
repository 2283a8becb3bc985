"""Tests of llog_checkpoint.py: Ed25519 on the RFC 8032 vectors, signed notes
made by golang.org/x/mod/sumdb/note (a file named by $LLOG_NOTES, written by
cmd/llog's TestPyEd25519), RFC 6962 roots and inclusion proofs.

    python3 tools/test_llog_checkpoint.py
"""

import base64
import hashlib
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llog_checkpoint as lc  # noqa: E402

# RFC 8032, section 7.1: TEST 1, 2 and 3 (public key, message, signature).
RFC8032 = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]

# The example of golang.org/x/mod/sumdb/note's package documentation.
NOTE_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
NOTE_MSG = ("If you think cryptography is the answer to your problem,\n"
            "then you don't know what your problem is.\n"
            "\n"
            "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")


class Ed25519(unittest.TestCase):
    def test_rfc8032(self):
        for pub, msg, sig in RFC8032:
            pub, msg, sig = bytes.fromhex(pub), bytes.fromhex(msg), bytes.fromhex(sig)
            self.assertTrue(lc.ed25519_verify(pub, msg, sig))
            self.assertFalse(lc.ed25519_verify(pub, msg + b"x", sig))
            bad = bytearray(sig)
            bad[10] ^= 1
            self.assertFalse(lc.ed25519_verify(pub, msg, bytes(bad)))
            bad = bytearray(sig)
            bad[40] ^= 1
            self.assertFalse(lc.ed25519_verify(pub, msg, bytes(bad)))
        # Another key, and S not below the group order.
        self.assertFalse(lc.ed25519_verify(bytes.fromhex(RFC8032[1][0]), b"", bytes.fromhex(RFC8032[0][2])))
        pub, msg, sig = (bytes.fromhex(x) for x in RFC8032[0])
        s = int.from_bytes(sig[32:], "little") + lc._L
        self.assertFalse(lc.ed25519_verify(pub, msg, sig[:32] + s.to_bytes(32, "little")))

    def test_note_package_example(self):
        self.assertEqual(lc.verify_note(NOTE_MSG.encode(), NOTE_VKEY).decode().splitlines()[0],
                         "If you think cryptography is the answer to your problem,")
        with self.assertRaises(lc.NoteError):
            lc.verify_note(NOTE_MSG.replace("then", "than").encode(), NOTE_VKEY)

    @unittest.skipUnless(os.environ.get("LLOG_NOTES"), "LLOG_NOTES not set (cmd/llog's TestPyEd25519 sets it)")
    def test_xmod_notes(self):
        with open(os.environ["LLOG_NOTES"], encoding="utf-8") as f:
            cases = json.load(f)
        for c in cases:
            try:
                lc.verify_note(c["note"].encode("utf-8"), c["key"])
                ok = True
            except lc.NoteError:
                ok = False
            self.assertEqual(ok, c["ok"], c)
        print("x/mod notes: %d" % len(cases), file=sys.stderr)


class Merkle(unittest.TestCase):
    @staticmethod
    def mth(leaves):
        """RFC 6962 section 2.1, recursively."""
        if not leaves:
            return hashlib.sha256(b"").digest()
        if len(leaves) == 1:
            return leaves[0]
        k = 1
        while k * 2 < len(leaves):
            k *= 2
        return lc.node_hash(Merkle.mth(leaves[:k]), Merkle.mth(leaves[k:]))

    @staticmethod
    def path(m, leaves):
        """RFC 6962 section 2.1.1: the audit path of leaf m."""
        if len(leaves) <= 1:
            return []
        k = 1
        while k * 2 < len(leaves):
            k *= 2
        if m < k:
            return Merkle.path(m, leaves[:k]) + [Merkle.mth(leaves[k:])]
        return Merkle.path(m - k, leaves[k:]) + [Merkle.mth(leaves[:k])]

    def test_frontier_and_inclusion(self):
        leaves = [lc.leaf_hash(hashlib.sha256(bytes([i])).digest()) for i in range(40)]
        f = lc.Frontier()
        for n in range(1, len(leaves) + 1):
            f.add(leaves[n - 1])
            self.assertEqual(f.root(), self.mth(leaves[:n]))
            for m in range(n):
                p = self.path(m, leaves[:n])
                self.assertTrue(lc.verify_inclusion(m, n, leaves[m], p, f.root()))
                self.assertFalse(lc.verify_inclusion(m, n, leaves[(m + 1) % n], p, f.root()) and n > 1)
                if p:
                    self.assertFalse(lc.verify_inclusion(m, n, leaves[m], p[:-1], f.root()))
        # A tree continued from a frontier has the root of the whole tree.
        base = lc.Frontier()
        for leaf in leaves[:13]:
            base.add(leaf)
        g = lc.Frontier(13, base.nodes)
        for leaf in leaves[13:]:
            g.add(leaf)
        self.assertEqual(g.root(), self.mth(leaves))

    def test_checkpoint_parse(self):
        root = base64.b64encode(bytes(32)).decode()
        ck = lc.parse_checkpoint(("llog/00ff\n12\n%s\nhead %s\ntime 2026-01-02T03:04:05.000000006Z\n"
                                  % (root, "ab" * 32)).encode())
        self.assertEqual((ck["store_id"], ck["size"], ck["head"]), ("00ff", 12, bytes.fromhex("ab" * 32)))
        for bad in ["other/1\n1\n%s\nhead %s\ntime t\n" % (root, "ab" * 32), "llog/1\n01\n%s\nhead %s\ntime t\n" % (root, "ab" * 32),
                    "llog/1\n1\nAAAA\nhead %s\ntime t\n" % ("ab" * 32), "llog/1\n1\n%s\ntime t\n" % root]:
            with self.assertRaises(lc.NoteError):
                lc.parse_checkpoint(bad.encode())


if __name__ == "__main__":
    unittest.main()
