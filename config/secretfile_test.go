//go:build unix

package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A secret file must be a small regular file: /dev/zero would fill the
// memory, a FIFO would hang the start.
func TestSecretFileMustBeASmallRegularFile(t *testing.T) {
	isolate(t)
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big")
	os.WriteFile(big, make([]byte, maxSecretFile+1), 0o600)
	for path, want := range map[string]string{
		"/dev/zero":    "is not a regular file (a device)",
		fifo:           "is not a regular file (a FIFO)",
		t.TempDir():    "is not a regular file (a directory)",
		big:            "larger than 64 KB",
		"/nonexistent": "cannot read the secret file",
	} {
		done := make(chan error, 1)
		go func() {
			_, err := Load(writeFile(t, "client_secret_file: "+path+"\n"), nil)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), KeyClientSecretFile) {
				t.Errorf("%s: err = %v, want %q", path, err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: Load hangs", path)
		}
	}
}

// As ssh does: a secret others can read is worth a warning that names the
// file and the chmod to run.
func TestSecretReadableByOthersIsAWarning(t *testing.T) {
	isolate(t)
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("s3cret\n"), 0o644)
	c, err := Load(writeFile(t, "client_secret_file: "+secret+"\n"), nil)
	if err != nil || c.ClientSecret != "s3cret" {
		t.Fatalf("Load = %v", err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "chmod 600 "+secret) {
		t.Errorf("warnings = %q", c.Warnings)
	}
	cfgFile := writeFile(t, "client_secret: s3cret\n")
	os.Chmod(cfgFile, 0o640)
	c, err = Load(cfgFile, nil)
	if err != nil || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], cfgFile+" holds client_secret") ||
		!strings.Contains(c.Warnings[0], "chmod 600 "+cfgFile) {
		t.Fatalf("config file warning: %v %q", err, c.Warnings)
	}
	for _, w := range c.Warnings {
		if strings.Contains(w, "s3cret") {
			t.Error("a warning shows the secret")
		}
	}
	os.Chmod(cfgFile, 0o600)
	if c, _ = Load(cfgFile, nil); len(c.Warnings) != 0 {
		t.Errorf("a private file warned: %q", c.Warnings)
	}
}
