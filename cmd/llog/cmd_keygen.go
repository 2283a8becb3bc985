package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/pflag"
	"golang.org/x/mod/sumdb/note"
)

var keygenCmd = &command{
	name:    "keygen",
	summary: "make a key pair to sign checkpoints",
	usage: `usage: llog keygen --name NAME --out PREFIX

Keygen makes an Ed25519 key pair in the signed-note formats of
golang.org/x/mod/sumdb/note and writes PREFIX.key, the signer key (mode 0600:
anyone who can read it can sign checkpoints), and PREFIX.pub, the verifier
key, which auditors use with 'llog verify --key' and 'llog verify-proof --key'.
NAME names the key in every signature line ("— NAME ..."): the device or the
fleet, without spaces or '+'. Keygen refuses to overwrite either file.

Give the signer key to a writing command with --key (or to the library as
Options.Signer through llog.LoadSigner). Keep it off the filesystem of the
store it signs for: someone who can rewrite the store and read the key can
sign checkpoints of the rewritten store.

Exit codes: 0 written, 2 usage error, 3 could not run (a file exists, I/O).
`,
	define: func(flags *pflag.FlagSet) func(context.Context, *env, []string) error {
		var name, out string
		flags.StringVar(&name, "name", "", "the key's `NAME` (required)")
		flags.StringVar(&out, "out", "", "write `PREFIX`.key and PREFIX.pub (required)")
		return func(ctx context.Context, e *env, args []string) error {
			if err := noArgs(args); err != nil {
				return err
			}
			if name == "" || out == "" {
				return usagef("--name and --out are required")
			}
			if !utf8.ValidString(name) || strings.ContainsRune(name, '+') || strings.IndexFunc(name, unicode.IsSpace) >= 0 {
				return usagef("--name %q: a key name has no spaces and no '+'", name)
			}
			skey, vkey, err := note.GenerateKey(rand.Reader, name)
			if err != nil {
				return usagef("--name %q: %v", name, err)
			}
			if err := writeNew(out+".key", skey+"\n", 0o600); err != nil {
				return err
			}
			if err := writeNew(out+".pub", vkey+"\n", 0o644); err != nil {
				os.Remove(out + ".key")
				return err
			}
			fmt.Fprintf(e.stdout, "signer key   %s.key (keep it secret, off the store's filesystem)\nverifier key %s.pub: %s\n", out, out, vkey)
			return nil
		}
	},
}

// writeNew writes a new file, synced, failing when it exists.
func writeNew(path, content string, perm fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists: keygen does not overwrite keys", path)
	}
	if err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil { // whatever the umask
		f.Close()
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
