//go:build !unix

package store

import (
	"fmt"
	"os"
	"runtime"
)

const isWindows = runtime.GOOS == "windows"

// ensurePrivateDir only checks that dir is a directory: outside Unix, file
// modes do not describe who may read it (on Windows the user profile's ACLs
// apply).
func ensurePrivateDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("session directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("session directory %s is not a directory", dir)
	}
	return nil
}

func ensurePrivateFile(string) {}
