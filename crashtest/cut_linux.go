package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// extFS is an ext4 filesystem on a loop device over an image file, or on a
// block device given with --device.
type extFS struct {
	image string // image file, when on a loop device
	dev   string // block device
	loop  bool   // dev is a loop device this process attached
	mnt   string // mount point
	up    bool   // mounted
}

// newCutFS makes and mounts the scratch filesystem, and checks that it can
// be shut down, or returns a *skipError saying what this machine lacks.
func newCutFS(c cutConfig) (cutFS, error) {
	if os.Geteuid() != 0 {
		return nil, skipf("needs root (mkfs, mount, FS_IOC_SHUTDOWN)")
	}
	mkfs, err := findTool("mkfs.ext4")
	if err != nil {
		return nil, skipf("mkfs.ext4 not found (install e2fsprogs)")
	}
	x := &extFS{mnt: filepath.Join(c.dir, "mnt")}
	ok := false
	defer func() {
		if !ok {
			x.Close(c.keep)
		}
	}()
	if c.device == "" {
		if _, err := os.Stat("/dev/loop-control"); err != nil {
			return nil, skipf("no loop devices: %v", err)
		}
		losetup, err := findTool("losetup")
		if err != nil {
			return nil, skipf("losetup not found (install util-linux)")
		}
		x.image = filepath.Join(c.dir, "ext4.img")
		f, err := os.Create(x.image)
		if err != nil {
			return nil, err
		}
		err = f.Truncate(c.size << 20)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		if out, err := exec.Command(mkfs, "-q", "-F", "-E", "nodiscard", x.image).CombinedOutput(); err != nil {
			return nil, skipf("mkfs.ext4 failed: %v: %s", err, strings.TrimSpace(string(out)))
		}
		out, err := exec.Command(losetup, "--find", "--show", x.image).CombinedOutput()
		if err != nil {
			return nil, skipf("losetup failed: %v: %s", err, strings.TrimSpace(string(out)))
		}
		x.dev, x.loop = strings.TrimSpace(string(out)), true
	} else {
		x.dev = c.device
		if out, err := exec.Command(mkfs, "-q", "-F", x.dev).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("mkfs.ext4 %s: %v: %s", x.dev, err, strings.TrimSpace(string(out)))
		}
	}
	if err := os.MkdirAll(x.mnt, 0o755); err != nil {
		return nil, err
	}
	if err := x.mount(); err != nil {
		return nil, skipf("mount %s: %v", x.dev, err)
	}
	// Prove the ioctl works before relying on it.
	if err := x.Shutdown(); err != nil {
		// ENOSYS: an emulator (qemu-user) that does not pass the ioctl on.
		if errors.Is(err, syscall.ENOTTY) || errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.EINVAL) ||
			errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOSYS) {
			return nil, skipf("this kernel cannot shut ext4 down: %v", err)
		}
		return nil, err
	}
	if err := x.Remount(); err != nil {
		return nil, err
	}
	ok = true
	return x, nil
}

// findTool looks name up in PATH and then in the sbin folders, which a
// user's PATH often lacks.
func findTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

func (x *extFS) Dir() string { return x.mnt }

func (x *extFS) mount() error {
	if err := syscall.Mount(x.dev, x.mnt, "ext4", 0, "data=ordered"); err != nil {
		return err
	}
	x.up = true
	return nil
}

func (x *extFS) unmount() error {
	if !x.up {
		return nil
	}
	var err error
	for range 50 { // a writer that was just killed may still hold files briefly
		if err = syscall.Unmount(x.mnt, 0); err != syscall.EBUSY {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("unmount %s: %w", x.mnt, err)
	}
	x.up = false
	return nil
}

// Shutdown cuts the filesystem (see shutdownFS).
func (x *extFS) Shutdown() error { return shutdownFS(x.mnt) }

// Remount unmounts and mounts again; ext4 replays its journal.
func (x *extFS) Remount() error {
	if err := x.unmount(); err != nil {
		return err
	}
	return x.mount()
}

// Close unmounts, detaches the loop device and removes the image (unless
// keep).
func (x *extFS) Close(keep bool) error {
	err := x.unmount()
	if x.loop {
		if out, lerr := exec.Command("losetup", "-d", x.dev).CombinedOutput(); lerr != nil && err == nil {
			err = fmt.Errorf("losetup -d %s: %v: %s", x.dev, lerr, strings.TrimSpace(string(out)))
		}
		x.loop = false
	}
	if err == nil && !keep {
		if x.image != "" {
			os.Remove(x.image)
		}
		os.Remove(x.mnt)
	}
	return err
}
