//go:build unix

package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/cobra"
)

// sanitizeCLI runs `ssodesk har sanitize args…` through a test-only root
// (the real root attaches the command under `ssodesk har`), mapping the
// error to an exit code as Execute does.
func sanitizeCLI(t *testing.T, stdin string, args ...string) (stderr string, code int) {
	t.Helper()
	root := &cobra.Command{Use: "ssodesk", SilenceUsage: true, SilenceErrors: true}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	h := &cobra.Command{Use: "har"}
	h.AddCommand(newHarSanitizeCmd())
	root.AddCommand(h)
	var errb, outb bytes.Buffer
	root.SetArgs(append([]string{"har", "sanitize"}, args...))
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&outb)
	root.SetErr(&errb)
	err := root.Execute()
	if outb.Len() > 0 {
		t.Errorf("stdout is not for the HAR: %q", outb.String())
	}
	var ue usageError
	switch {
	case err == nil:
		return errb.String(), 0
	case errors.As(err, &ue):
		return errb.String() + err.Error(), 2
	}
	return errb.String() + err.Error(), 1
}

const sanitizeFixture = "../har/testdata/sanitize-login.har"

func TestHarSanitizeCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "ticket.har")
	stderr, code := sanitizeCLI(t, "", sanitizeFixture, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "10 entries, replaced ") || !strings.Contains(stderr, "× code") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("summary line: %q", stderr)
	}
	st, err := os.Stat(out)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("OUT: %v %v, want mode 0600", st, err)
	}
	data, _ := os.ReadFile(out)
	if bytes.Contains(data, []byte("4F6A1C0B9E2D47A8B3C5D6E7F8091A2B")) || !bytes.Contains(data, []byte("eu.[code-1]")) {
		t.Error("the code is not its placeholder in OUT")
	}
	// An existing OUT is refused (exit 2, named) and left as it was.
	stderr, code = sanitizeCLI(t, "", sanitizeFixture, "-o", out)
	if code != 2 || !strings.Contains(stderr, out) || !strings.Contains(stderr, "already exists") {
		t.Errorf("existing OUT: exit %d: %s", code, stderr)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(again, data) {
		t.Error("an existing OUT was changed")
	}
	// stdin, with --redact-pii.
	in, _ := os.ReadFile(sanitizeFixture)
	out2 := filepath.Join(dir, "pii.har")
	if stderr, code := sanitizeCLI(t, string(in), "-", "-o", out2, "--redact-pii"); code != 0 || !strings.Contains(stderr, "× user") {
		t.Fatalf("stdin --redact-pii: exit %d: %s", code, stderr)
	}
	if masked, _ := os.ReadFile(out2); bytes.Contains(masked, []byte("Mette")) {
		t.Error("--redact-pii left a name")
	}
}

func TestHarSanitizeRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	notJSON := filepath.Join(dir, "page.har")
	os.WriteFile(notJSON, []byte("<html>not a HAR</html>"), 0o600)
	truncated := filepath.Join(dir, "cut.har")
	in, _ := os.ReadFile(sanitizeFixture)
	os.WriteFile(truncated, in[:len(in)/3], 0o600)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"a directory", []string{dir}, "is not a regular file (a directory)"},
		{"/dev/zero", []string{"/dev/zero"}, "is not a regular file (a device)"},
		{"a FIFO", []string{fifo}, "is not a regular file (a FIFO)"},
		{"missing", []string{filepath.Join(dir, "nope.har")}, "no such file"},
		{"not JSON", []string{notJSON}, "invalid JSON"},
		{"truncated", []string{truncated}, "truncated"},
		{"no OUT", []string{sanitizeFixture}, "-o OUT is required"},
		{"no IN", []string{"-o", filepath.Join(dir, "x.har")}, "needs one HAR file"},
		{"two INs", []string{sanitizeFixture, sanitizeFixture, "-o", filepath.Join(dir, "y.har")}, "needs one HAR file"},
		{"bad flag", []string{sanitizeFixture, "--nope"}, "unknown flag"},
	}
	for _, c := range cases {
		args := c.args
		if !strings.HasPrefix(c.name, "no ") && c.name != "two INs" && c.name != "bad flag" {
			args = append(args, "-o", filepath.Join(dir, "out-"+strings.ReplaceAll(c.name, "/", "")+".har"))
		}
		stderr, code := sanitizeCLI(t, "", args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %q; want exit 2 saying %q", c.name, code, stderr, c.want)
		}
	}
	// A bad input leaves no OUT behind.
	if m, _ := filepath.Glob(filepath.Join(dir, "out-*")); len(m) > 0 {
		t.Errorf("OUT left behind after a refusal: %v", m)
	}
}
