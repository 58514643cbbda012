package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"ssodesk/har"
)

// newHarSanitizeCmd is `ssodesk har sanitize IN -o OUT` (attached under
// `ssodesk har` by the root).
func newHarSanitizeCmd() *cobra.Command {
	var out string
	var pii bool
	cmd := &cobra.Command{
		Use:   "sanitize IN -o OUT",
		Short: "Write a copy of a HAR file fit for a ticket: every secret a labelled placeholder",
		Long: `sanitize writes a copy of a browser's HAR file (IN, or - for stdin) to OUT, a new file
(0600, never over an existing one), with every secret replaced by a labelled placeholder that
keeps what a diagnosis needs: codes (with their region prefix: eu.[code-1]), access, refresh
and ID tokens (kind, length, SHA-256 prefix, a JWT's header and non-personal claims), PKCE
verifiers, client secrets, state, session_state, nonce, cookies, Authorization, passwords and
anti-forgery tokens. The same value gets the same placeholder throughout the file.
--redact-pii also masks names, e-mail addresses, sub, tenant names and IDs (user-1, tenant-1).`,
		Example: `  ssodesk har sanitize customer.har -o ticket-1234.har
  ssodesk har sanitize - -o ticket-1234.har --redact-pii < customer.har`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("%s needs one HAR file IN (or - for stdin), e.g. %s customer.har -o ticket.har", cmd.CommandPath(), cmd.CommandPath())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runHarSanitize(cmd, args[0], out, pii) },
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the sanitised HAR: a new file (required)")
	cmd.Flags().BoolVar(&pii, "redact-pii", false, "also mask names, e-mail addresses, sub, tenant names and IDs (user-1, tenant-1)")
	return cmd
}

func runHarSanitize(cmd *cobra.Command, in, out string, pii bool) error {
	if out == "" {
		return usageError{errors.New("-o OUT is required: the new file to write the sanitised HAR to")}
	}
	abs, st, err := sanitizeHAR(cmd.InOrStdin(), in, out, pii)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "ssodesk: %s written: %s\n", abs, sanitizeSummary(st))
	return nil
}

// sanitizeHAR writes a sanitised copy of in (- for stdin) to out, a new
// file, and returns its absolute path: the one writer of `ssodesk har
// sanitize` and the TUI's w. A bad input or output is a usageError; a
// failed write (a full disk) is not. out is removed when it fails.
func sanitizeHAR(stdin io.Reader, in, out string, pii bool) (string, har.SanitizeStats, error) {
	src, closeIn, err := openSanitizeInput(stdin, in)
	if err != nil {
		return "", har.SanitizeStats{}, usageError{err}
	}
	defer closeIn()
	abs, f, err := createSanitizeOutput(out)
	if err != nil {
		return abs, har.SanitizeStats{}, usageError{err}
	}
	w := &sanitizeWriter{w: f}
	st, err := har.Sanitize(src, w, har.SanitizeOptions{RedactPII: pii})
	if cerr := f.Close(); err == nil && cerr != nil {
		err, w.err = cerr, cerr
	}
	if err != nil {
		os.Remove(abs)
		if w.err != nil { // the output's fault (a full disk): the run failed
			return abs, st, fmt.Errorf("writing %s: %w", abs, w.err)
		}
		return abs, st, usageError{fmt.Errorf("%s: %w", sanitizeInName(in), err)}
	}
	return abs, st, nil
}

// sanitizeWriter remembers a write failure, to tell it from a bad input.
type sanitizeWriter struct {
	w   io.Writer
	err error
}

func (h *sanitizeWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	if err != nil && h.err == nil {
		h.err = err
	}
	return n, err
}

func sanitizeInName(in string) string {
	if in == "-" {
		return "stdin"
	}
	return in
}

// openSanitizeInput opens IN: stdin for "-", else a regular file (a directory,
// a device such as /dev/zero or a FIFO is refused; O_NONBLOCK keeps the
// open of a FIFO from waiting for a writer).
func openSanitizeInput(stdin io.Reader, in string) (io.Reader, func(), error) {
	if in == "-" {
		return stdin, func() {}, nil
	}
	f, err := har.OpenRegular(in)
	var nr *har.NotRegularError
	switch {
	case errors.As(err, &nr):
		return nil, nil, fmt.Errorf("%s is not a regular file (%s): give a HAR file", in, sanitizeFileKind(nr.Mode))
	case err != nil:
		return nil, nil, fmt.Errorf("cannot read the HAR file %s: %v", in, sanitizePathErr(err))
	}
	return f, func() { f.Close() }, nil
}

func sanitizeFileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

// createSanitizeOutput creates OUT, 0600, never over an existing file.
func createSanitizeOutput(out string) (string, *os.File, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		abs = out
	}
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return abs, nil, fmt.Errorf("not writing the sanitised HAR: %s already exists (choose another name or remove it)", abs)
	}
	if err != nil {
		return abs, nil, fmt.Errorf("cannot create %s: %v", abs, sanitizePathErr(err))
	}
	return abs, f, nil
}

func sanitizePathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sanitizeSummary is the command's line: entries, then how many values
// were replaced by label, most first ("14× cookie, 7× code").
func sanitizeSummary(st har.SanitizeStats) string {
	labels := make([]string, 0, len(st.Replaced))
	for l := range st.Replaced {
		labels = append(labels, l)
	}
	slices.SortFunc(labels, func(a, b string) int {
		if d := st.Replaced[b] - st.Replaced[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(labels))
	for i, l := range labels {
		parts[i] = fmt.Sprintf("%d× %s", st.Replaced[l], l)
	}
	what := "nothing replaced"
	if len(parts) > 0 {
		what = "replaced " + strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%d entries, %s", st.Entries, what)
}
