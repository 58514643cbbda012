//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

const isWindows = false

// geteuid is swapped by tests to act as another user.
var geteuid = os.Geteuid

// ensurePrivateDir refuses a session directory owned by someone else and
// tightens one that others can reach to 0700.
func ensurePrivateDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("session directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("session directory %s is not a directory", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != geteuid() {
		return fmt.Errorf("session directory %s belongs to uid %d, not to you (uid %d); refusing to keep tokens there",
			dir, st.Uid, geteuid())
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("session directory %s is open to other users (mode %04o) and could not be made private (%v); run: chmod 700 %s",
				dir, mode, err, dir)
		}
	}
	return nil
}

// ensurePrivateFile tightens a session file others can read to 0600; best
// effort, since the directory is already private.
func ensurePrivateFile(path string) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
		_ = os.Chmod(path, 0o600)
	}
}
