package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// maxSecretFile bounds a client secret file: a secret is a line, not a
// device (client_secret_file: /dev/zero must not fill the memory).
const maxSecretFile = 64 << 10

// readSecretFile reads a secret from path, which must be a regular file of
// at most maxSecretFile bytes (a FIFO, device or directory is refused before
// it is opened, so it cannot hang the start). warning is set when others may
// read the file.
func readSecretFile(path string) (secret, warning string, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", "", fmt.Errorf("cannot read the secret file %s: %v", path, errors.Unwrap(err))
	}
	if !st.Mode().IsRegular() {
		return "", "", fmt.Errorf("the secret file %s is not a regular file (%s): put the secret in a plain file", path, kindOf(st.Mode()))
	}
	f, err := os.Open(path)
	if err != nil {
		return "", "", fmt.Errorf("cannot read the secret file %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", "", fmt.Errorf("cannot read the secret file %s: %v", path, err)
	}
	if len(b) > maxSecretFile {
		return "", "", fmt.Errorf("the secret file %s is larger than %d KB: that is not a client secret", path, maxSecretFile>>10)
	}
	return strings.TrimSpace(string(b)), exposedWarning(path, st.Mode(), "holds the client secret"), nil
}

// exposedWarning says, like ssh does of its keys, that a file holding a
// secret can be read by group or others, and the chmod that fixes it ("" when
// it cannot, and on Windows, where modes say little).
func exposedWarning(path string, mode fs.FileMode, what string) string {
	if runtime.GOOS == "windows" || mode.Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("%s %s and is readable by group or others (mode %04o): run chmod 600 %s", path, what, mode.Perm(), path)
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}
