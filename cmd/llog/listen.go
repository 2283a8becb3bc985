package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// serve serves the line protocol on a Unix socket at path until ctx is
// done, then lets every client's lines already read be logged, and
// removes the socket. A failure of the store stops it with that error.
func (in *ingester) serve(ctx context.Context, path string) error {
	ln, err := listenUnix(path)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	fmt.Fprintf(in.stderr, "llog: ingest: listening on unix:%s\n", path)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
		wg    sync.WaitGroup
	)
	go func() {
		<-ctx.Done()
		ln.Close()
		mu.Lock()
		for c := range conns {
			// Readers stop now; what they read is logged and acknowledged
			// to clients still reading, within a few seconds.
			c.SetReadDeadline(time.Now())
			c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		}
		mu.Unlock()
	}()
	for id := 1; ; id++ {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() == nil {
				cancel(fmt.Errorf("accept: %w", err))
			}
			break
		}
		mu.Lock()
		if ctx.Err() != nil {
			mu.Unlock()
			c.Close()
			break
		}
		conns[c] = true
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := in.stream(ctx, c, c, fmt.Sprintf("client %d: ", id))
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
			c.Close()
			switch {
			case err == nil:
			case errors.Is(err, net.ErrClosed), errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, syscallEPIPE):
				// the client went away before reading its acknowledgements
			default:
				cancel(err)
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// listenUnix listens on a Unix socket at path that only this user can
// connect to (mode 0600). The socket is made in a private folder and
// renamed into place, so it is never reachable with other modes. A stale
// socket (nobody listening) is replaced; a live one or another file is an
// error.
func listenUnix(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("listen on %s: the file exists and is not a socket", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("listen on %s: another process is listening there", path)
		}
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), ".llog-ingest-")
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	defer os.RemoveAll(tmp)
	name := filepath.Join(tmp, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: name, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(name, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		ln.Close()
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	return ln, nil
}
