package vfs

// writeThenSync is WriteAtSync as two calls.
func writeThenSync(f File, p []byte, off int64) (int, error) {
	n, err := f.WriteAt(p, off)
	if err != nil {
		return n, err
	}
	return n, f.Sync()
}
