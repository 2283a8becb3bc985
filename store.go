package llog

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/lowlightlog/llog/chain"
	"github.com/lowlightlog/llog/internal/vfs"
	"github.com/lowlightlog/llog/segment"
)

// A store is a folder holding:
//
//	llog.store      the manifest: JSON naming the format, its version, the
//	                store's identity and creation time; written once,
//	                atomically (llog.store.tmp while being written)
//	LOCK            flock(2)ed by the one Engine writing the store, and by
//	                Repair
//	*.seg           segment files (package wal); *.seg.tmp is a segment
//	                being created, which Open removes
//	*.seg.broken-*  the copy Repair keeps of a segment it cut: evidence,
//	                read by nothing
//	index.db        the bbolt index, derived from the segments (its
//	                retention records copy the log's removal frames)
//	index.snap      a consistent copy of index.db that readers use while a
//	                writer holds it, written before retention deletes
//	                anything; a store written before removal frames keeps
//	                its retention records in these two files only
//
// The manifest is what makes a folder a store: Open refuses a folder that
// holds other files but no manifest. FORMAT.md in the repository
// specifies every file of a store.
const (
	manifestName = "llog.store"
	lockName     = "LOCK"
	storeFormat  = "llog-store"
	storeVersion = 1

	dirPerm  = 0o700
	filePerm = 0o600
)

// manifest is the content of llog.store.
type manifest struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	StoreID string    `json:"store_id"`
	Created time.Time `json:"created"`
}

// storeInfo is what the manifest says, decoded.
type storeInfo struct {
	id      [16]byte
	created time.Time
	genesis chain.Digest
}

// ID returns the store identity in hexadecimal.
func (s storeInfo) ID() string { return hex.EncodeToString(s.id[:]) }

// readManifest reads and checks the manifest of the store in dir. It
// returns an error matching fs.ErrNotExist when there is none.
func readManifest(fsys vfs.FS, dir string) (storeInfo, error) {
	b, err := vfs.ReadFile(fsys, filepath.Join(dir, manifestName))
	if err != nil {
		return storeInfo{}, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return storeInfo{}, fmt.Errorf("%w: %s: %v", ErrNotStore, manifestName, err)
	}
	if m.Format != storeFormat {
		return storeInfo{}, fmt.Errorf("%w: %s: format %q", ErrNotStore, manifestName, m.Format)
	}
	if m.Version > storeVersion {
		return storeInfo{}, fmt.Errorf("%w: %s: version %d, this build reads up to %d", ErrNewerVersion, manifestName, m.Version, storeVersion)
	}
	if m.Version < 1 {
		return storeInfo{}, fmt.Errorf("%w: %s: version %d", ErrNotStore, manifestName, m.Version)
	}
	var s storeInfo
	if id, err := hex.DecodeString(m.StoreID); err != nil || len(id) != len(s.id) {
		return storeInfo{}, fmt.Errorf("%w: %s: store_id %q is not 32 hex digits", ErrNotStore, manifestName, m.StoreID)
	} else {
		copy(s.id[:], id)
	}
	s.created = m.Created
	s.genesis = chain.Genesis(s.id[:])
	return s, nil
}

// checkNotForeign returns an error matching ErrNotStore when dir holds
// files but no manifest, other than what an interrupted creation leaves. A
// missing dir, an empty one and a store pass.
func checkNotForeign(fsys vfs.FS, dir string) error {
	if _, err := fsys.Stat(filepath.Join(dir, manifestName)); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	names, err := fsys.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, n := range names {
		if n != lockName && n != manifestName+".tmp" {
			return fmt.Errorf("%w: %s holds %s but no %s", ErrNotStore, dir, n, manifestName)
		}
	}
	return nil
}

// createStore writes the manifest of a new store in dir, after checking
// that dir holds nothing but what an interrupted creation leaves.
func createStore(fsys vfs.FS, dir string) (storeInfo, error) {
	if err := checkNotForeign(fsys, dir); err != nil {
		return storeInfo{}, err
	}
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return storeInfo{}, err
	}
	m := manifest{Format: storeFormat, Version: storeVersion, StoreID: hex.EncodeToString(id[:]), Created: time.Now().UTC()}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return storeInfo{}, err
	}
	b = append(b, '\n')
	if err := vfs.WriteFileAtomic(fsys, dir, filepath.Join(dir, manifestName), b, filePerm); err != nil {
		return storeInfo{}, fmt.Errorf("llog: create %s: %w", manifestName, err)
	}
	return storeInfo{id: id, created: m.Created, genesis: chain.Genesis(id[:])}, nil
}

// openStore reads the manifest of the store in dir, creating the store
// when dir is new or empty and create is set.
func openStore(fsys vfs.FS, dir string, create bool) (storeInfo, error) {
	s, err := readManifest(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		if !create {
			if _, serr := fsys.Stat(dir); serr != nil {
				return storeInfo{}, serr
			}
			return storeInfo{}, fmt.Errorf("%w: %s has no %s", ErrNotStore, dir, manifestName)
		}
		return createStore(fsys, dir)
	}
	return s, err
}

// wrapOpenErr maps lower-level errors onto the root's sentinels.
func wrapOpenErr(err error) error {
	if errors.Is(err, segment.ErrNewerVersion) {
		return fmt.Errorf("%w: %w", ErrNewerVersion, err)
	}
	return err
}
