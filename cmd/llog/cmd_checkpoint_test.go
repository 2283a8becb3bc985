package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

// keygen makes a key pair in dir and returns the paths of the signer and
// verifier key files.
func keygen(t *testing.T, dir, name string) (skey, vkey string) {
	t.Helper()
	prefix := filepath.Join(dir, name)
	mustRun(t, exitOK, "keygen", "--name", name, "--out", prefix)
	return prefix + ".key", prefix + ".pub"
}

func TestKeygen(t *testing.T) {
	dir := t.TempDir()
	skey, vkey := keygen(t, dir, "edge-7")
	for path, mode := range map[string]os.FileMode{skey: 0o600, vkey: 0o644} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != mode {
			t.Fatalf("%s: %v, mode %v, want %v", path, err, fi.Mode().Perm(), mode)
		}
	}
	// The formats of golang.org/x/mod/sumdb/note: a message signed with
	// one verifies with the other.
	s, err := note.NewSigner(strings.TrimSpace(string(readFile(t, skey))))
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(readFile(t, vkey))))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := note.Sign(&note.Note{Text: "hello\n"}, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(v)); err != nil || s.Name() != "edge-7" {
		t.Fatalf("keys do not match: %v", err)
	}
	// Never overwritten; bad names and missing flags are usage errors.
	before := readFile(t, skey)
	r := mustRun(t, exitCannotRun, "keygen", "--name", "other", "--out", filepath.Join(dir, "edge-7"))
	if !strings.Contains(r.stderr, "exists") || !bytes.Equal(readFile(t, skey), before) {
		t.Fatalf("overwrite: %v", r)
	}
	mustRun(t, exitUsage, "keygen", "--name", "a b", "--out", filepath.Join(dir, "x"))
	mustRun(t, exitUsage, "keygen", "--out", filepath.Join(dir, "y"))
}

func TestCheckpointCommands(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	skey, vkey := keygen(t, dir, "edge-7")
	_, wrong := keygen(t, dir, "edge-8")
	mustRun(t, exitOK, "demo", "--path", store, "--n", "300", "--key", skey, "--seed", "1")
	ck1 := filepath.Join(dir, "ck1")
	writeFile(t, ck1, []byte(mustRun(t, exitOK, "checkpoint", "--path", store).stdout))
	if !strings.HasPrefix(string(readFile(t, ck1)), "llog/") || !strings.Contains(string(readFile(t, ck1)), "\n300\n") {
		t.Fatalf("checkpoint:\n%s", readFile(t, ck1))
	}
	old := filepath.Join(dir, "old")
	if err := os.CopyFS(old, os.DirFS(store)); err != nil {
		t.Fatal(err)
	}
	mustRun(t, exitOK, "demo", "--path", store, "--n", "200", "--key", skey, "--seed", "2")
	ck2 := filepath.Join(dir, "ck2")
	writeFile(t, ck2, []byte(mustRun(t, exitOK, "checkpoint", "--path", store).stdout))

	r := mustRun(t, exitOK, "verify", "--path", store, "--checkpoint", ck1, "--checkpoint", ck2, "--key", vkey)
	if !strings.Contains(r.stdout, "checkpoint "+ck1+": 300 records: ok: signed by edge-7") ||
		!strings.Contains(r.stdout, "checkpoint "+ck2+": 500 records: ok") {
		t.Fatalf("verify with checkpoints: %v", r)
	}
	// JSON: one member per checkpoint.
	r = mustRun(t, exitOK, "verify", "--path", store, "--checkpoint", ck2, "--key", vkey, "--json")
	var rep struct {
		Merkle struct {
			TreeSize uint64 `json:"tree_size"`
		} `json:"merkle"`
		Checkpoints []struct {
			File string `json:"file"`
			Size uint64 `json:"size"`
			OK   bool   `json:"ok"`
		} `json:"checkpoints"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Merkle.TreeSize != 500 || len(rep.Checkpoints) != 1 || !rep.Checkpoints[0].OK {
		t.Fatalf("verify --json: %v %+v", err, rep)
	}

	// The store replaced by its older copy fails against the newer
	// checkpoint, and still passes the older one.
	r = mustRun(t, exitIntegrity, "verify", "--path", old, "--checkpoint", ck1, "--checkpoint", ck2, "--key", vkey)
	if !strings.Contains(r.stdout, ck2+": 500 records: FAILED") || !strings.Contains(r.stdout, ck1+": 300 records: ok") {
		t.Fatalf("older copy: %v", r)
	}
	// Signed by another key.
	r = mustRun(t, exitIntegrity, "verify", "--path", store, "--checkpoint", ck2, "--key", wrong)
	if !strings.Contains(r.stderr, "signature does not verify") {
		t.Fatalf("wrong key: %v", r)
	}
	// A forged size, the signature kept.
	forged := filepath.Join(dir, "forged")
	writeFile(t, forged, bytes.Replace(readFile(t, ck2), []byte("\n500\n"), []byte("\n499\n"), 1))
	mustRun(t, exitIntegrity, "verify", "--path", store, "--checkpoint", forged, "--key", vkey)
	// Usage.
	mustRun(t, exitUsage, "verify", "--path", store, "--checkpoint", ck2)
	writeFile(t, filepath.Join(dir, "junk"), []byte("not a checkpoint\n"))
	mustRun(t, exitUsage, "verify", "--path", store, "--checkpoint", filepath.Join(dir, "junk"), "--key", vkey)
	mustRun(t, exitUsage, "verify", "--path", store, "--checkpoint", ck2, "--key", skey) // a signer key is not a verifier key
	// A store without a checkpoint.
	mustRun(t, exitCannotRun, "checkpoint", "--path", filepath.Join(dir, "none"))
}

func TestProveCommand(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	skey, vkey := keygen(t, dir, "edge-7")
	_, wrong := keygen(t, dir, "edge-8")
	mustRun(t, exitOK, "demo", "--path", store, "--n", "200", "--key", skey, "--seed", "3")
	ck := filepath.Join(dir, "ck")
	writeFile(t, ck, []byte(mustRun(t, exitOK, "checkpoint", "--path", store).stdout))
	mustRun(t, exitOK, "demo", "--path", store, "--n", "50", "--key", skey, "--seed", "4")

	for _, args := range [][]string{{"--seq", "1"}, {"--seq", "137"}, {"--seq", "200", "--checkpoint", ck}, {"--seq", "250"}} {
		proof := filepath.Join(dir, "proof.json")
		writeFile(t, proof, []byte(mustRun(t, exitOK, append([]string{"prove", "--path", store}, args...)...).stdout))
		r := mustRun(t, exitOK, "verify-proof", proof, "--key", vkey)
		if !strings.HasPrefix(r.stdout, "ok: seq "+args[1]+" ") {
			t.Fatalf("verify-proof: %v", r)
		}
		pyProof(t, proof, vkey, 0)
		mustRun(t, exitIntegrity, "verify-proof", proof, "--key", wrong)
		pyProof(t, proof, wrong, 1)
		// One byte of the record changed.
		doc := readFile(t, proof)
		i := bytes.Index(doc, []byte(`"response":"`)) + len(`"response":"`)
		if doc[i] == 'x' {
			doc[i] = 'y'
		} else {
			doc[i] = 'x'
		}
		bad := filepath.Join(dir, "bad.json")
		writeFile(t, bad, doc)
		r = mustRun(t, exitIntegrity, "verify-proof", bad, "--key", vkey)
		if !strings.Contains(r.stderr, "the record was changed") {
			t.Fatalf("changed record: %v", r)
		}
		pyProof(t, bad, vkey, 1)
	}
	// Beyond the given checkpoint, and beyond the store.
	mustRun(t, exitCannotRun, "prove", "--path", store, "--seq", "201", "--checkpoint", ck)
	mustRun(t, exitCannotRun, "prove", "--path", store, "--seq", "251")
	mustRun(t, exitUsage, "prove", "--path", store)
	mustRun(t, exitUsage, "verify-proof", "--key", vkey)
}

// pyProof checks a proof document with tools/llog_verify.py and wants the
// exit code.
func pyProof(t *testing.T, proof, vkey string, want int) {
	t.Helper()
	cmd := exec.Command(needPython(t), "-I", "-S", pyVerifier, "--proof", proof, "--key", vkey)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != want {
		t.Fatalf("llog_verify.py --proof: exit %d, want %d:\n%s", code, want, out)
	}
}

// TestPyExportCheckpoint: the Python verifier checks an export's
// checkpoint with the key, and the records' Merkle root against it.
func TestPyExportCheckpoint(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	skey, vkey := keygen(t, dir, "edge-7")
	_, wrong := keygen(t, dir, "edge-8")
	mustRun(t, exitOK, "demo", "--path", store, "--n", "150", "--key", skey, "--seed", "5")
	out := []byte(mustRun(t, exitOK, "export", "--path", store, "--format", "jsonl").stdout)
	mustVerify(t, out, "export.jsonl", "--key", vkey)
	if code, stderr := pyVerify(t, out, "export.jsonl", "--key", wrong); code != 1 || !strings.Contains(stderr, "checkpoint: not signed by key edge-8") {
		t.Fatalf("wrong key: exit %d: %s", code, stderr)
	}
	// A forged root in the checkpoint (export_hash recomputed): the
	// signature fails with the key, the root check without it.
	p := splitJSONL(t, out)
	m := regexp.MustCompile(`"checkpoint":"([^"]*)"`).FindSubmatch(p.tail)
	if m == nil {
		t.Fatalf("no checkpoint in %s", p.tail)
	}
	lines := strings.Split(string(m[1]), `\n`)
	lines[2] = "AAAA" + lines[2][4:]
	forged := p.setTail(t, `"checkpoint":"[^"]*"`, `"checkpoint":"`+strings.Join(lines, `\n`)+`"`).render("jsonl")
	if code, stderr := pyVerify(t, forged, "export.jsonl", "--key", vkey); code != 1 || !strings.Contains(stderr, "does not verify") {
		t.Fatalf("forged root with the key: exit %d: %s", code, stderr)
	}
	if code, stderr := pyVerify(t, forged, "export.jsonl"); code != 1 || !strings.Contains(stderr, "records were changed") {
		t.Fatalf("forged root without the key: exit %d: %s", code, stderr)
	}
	// No checkpoint at all, with a key given: nothing to check the key with.
	stripped := p.setTail(t, `"checkpoint":"[^"]*"`, `"checkpoint":null`).render("jsonl")
	if code, stderr := pyVerify(t, stripped, "export.jsonl", "--key", vkey); code != 1 || !strings.Contains(stderr, "carries no checkpoint") {
		t.Fatalf("checkpoint removed: exit %d: %s", code, stderr)
	}
}

// TestPyEd25519 runs tools/test_llog_checkpoint.py: the RFC 8032 vectors,
// and notes signed here by golang.org/x/mod/sumdb/note, good and bad.
func TestPyEd25519(t *testing.T) {
	py := needPython(t)
	// The RFC 8032 (section 7.1) vectors the Python test holds, checked
	// here against crypto/ed25519 too.
	for _, v := range rfc8032 {
		seed, _ := hex.DecodeString(v.seed)
		pub, _ := hex.DecodeString(v.pub)
		msg, _ := hex.DecodeString(v.msg)
		sig, _ := hex.DecodeString(v.sig)
		k := ed25519.NewKeyFromSeed(seed)
		if !bytes.Equal(k.Public().(ed25519.PublicKey), pub) || !bytes.Equal(ed25519.Sign(k, msg), sig) {
			t.Fatalf("RFC 8032 vector %s does not hold in crypto/ed25519", v.seed[:8])
		}
	}
	type noteCase struct {
		Key  string `json:"key"`
		Note string `json:"note"`
		OK   bool   `json:"ok"`
	}
	var cases []noteCase
	for i := range 8 {
		skey, vkey, err := note.GenerateKey(rand.Reader, "fleet-"+string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := note.NewSigner(skey)
		_, other, _ := note.GenerateKey(rand.Reader, "fleet-"+string(rune('a'+i)))
		text := strings.Repeat("line of text\n", i) + "llog/00\n" + strings.Repeat("é", i) + "\n"
		msg, err := note.Sign(&note.Note{Text: text}, s)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, noteCase{vkey, string(msg), true}, noteCase{other, string(msg), false},
			noteCase{vkey, strings.Replace(string(msg), "llog/00", "llog/01", 1), false})
		b := []byte(msg)
		b[len(b)-5] ^= 1 // inside the base64 signature
		cases = append(cases, noteCase{vkey, string(b), false})
	}
	j, _ := json.Marshal(cases)
	path := filepath.Join(t.TempDir(), "notes.json")
	writeFile(t, path, j)
	cmd := exec.Command(py, "-I", "-S", "../../tools/test_llog_checkpoint.py")
	cmd.Env = append(os.Environ(), "LLOG_NOTES="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("test_llog_checkpoint.py: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "OK") || !strings.Contains(string(out), "x/mod notes: 32") {
		t.Fatalf("test_llog_checkpoint.py:\n%s", out)
	}
}

// rfc8032 are the test vectors of RFC 8032, section 7.1 (TEST 1, 2, 3).
var rfc8032 = []struct{ seed, pub, msg, sig string }{
	{"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
		"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
	{"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
		"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
	{"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
		"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
		"6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
}
