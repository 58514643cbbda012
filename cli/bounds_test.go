package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ssodesk/sim"
)

// A discovery document that is a gzip bomb (256 MB of JSON in ~256 KB on
// the wire) stops at the bound, says what was too large, and takes no more
// memory than the bound (issue 22, item 17: go-oidc reads the whole body).
func TestCLIDiscoveryBombIsBounded(t *testing.T) {
	hooks := &sim.Hooks{}
	e := newCLIEnvWith(t, "", sim.Options{Hooks: hooks})
	if err := hooks.SendBomb(sim.RequestDiscovery, 256<<20); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "login", "--region", "global", "--config", e.file)
	cmd.Env = e.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var xe *exec.ExitError
	if !errors.As(err, &xe) || xe.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1\nstderr: %s", err, errb.String())
	}
	if msg := errb.String(); !strings.Contains(msg, "larger than 8 MB") || !strings.Contains(msg, "openid-configuration") {
		t.Errorf("stderr does not say the discovery document was too large:\n%s", msg)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 160<<10 { // KB on Linux
		t.Errorf("ssodesk took %d MB for a bounded read of 8 MB", ru.Maxrss>>10)
	}
}

// A config file is read within a bound: /dev/zero (a device) and a FIFO
// (which would block) are refused at once, naming the file; a file over the
// bound says so (issue 22, item 17).
func TestCLIConfigFileIsBounded(t *testing.T) {
	e := newCLIEnv(t, "")
	fifo := filepath.Join(e.dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(e.dir, "big.yaml")
	os.WriteFile(big, bytes.Repeat([]byte("# a comment line of a very long config file\n"), 1<<16), 0o600)
	for _, tc := range []struct{ file, want string }{
		{"/dev/zero", "not a regular file"},
		{fifo, "not a regular file"},
		{big, "larger than 1 MB"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a FIFO read would block for ever
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "regions", "--config", tc.file)
		cmd.Env = e.env
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		var xe *exec.ExitError
		if !errors.As(err, &xe) || xe.ExitCode() != 2 || !strings.Contains(errb.String(), tc.want) || !strings.Contains(errb.String(), tc.file) {
			t.Errorf("--config %s: %v, stderr %q; want exit 2 naming the file and %q", tc.file, err, errb.String(), tc.want)
		}
	}
}
