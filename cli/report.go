package cli

// The diagnosis report: login --report, check --report (both written after
// any outcome) and `ssodesk report --from`, which turns a saved
// `login --json` document into one.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ssodesk/auth"
	"ssodesk/report"
	"ssodesk/session"
	"ssodesk/transport"
)

// reportFlags are the --report and --redact-pii flags of login and check.
type reportFlags struct {
	path      string
	redactPII bool
	rec       *report.Recorder // the login's events; nil without --report
}

func (r *reportFlags) add(fl *pflag.FlagSet, what string) {
	fl.StringVar(&r.path, "report", "", "after any outcome, write a diagnosis report of the "+what+" to FILE (Markdown; JSON when FILE ends in .json) "+
		"and the redacted HAR beside it (FILE with .har); never a token, code, verifier or secret")
	fl.BoolVar(&r.redactPII, "redact-pii", false, "mask names, e-mail addresses, tenant names, sub and noahuserid in the report and its HAR (user-1, tenant-1)")
}

// withReport is withEnv for a command with --report: before anything
// runs, the report's files must not exist, and the run is traced.
func (g *globalFlags) withReport(r *reportFlags, run func(cmd *cobra.Command, env *runEnv, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case r.path == "" && r.redactPII:
			return usageError{errors.New("--redact-pii applies to a report: add --report FILE")}
		case r.path != "":
			if err := report.CheckFree(r.path, true); err != nil {
				return usageError{err}
			}
			if err := checkWritableDir(r.path); err != nil {
				return usageError{err}
			}
			if g.trace == nil {
				g.trace = transport.NewTrace() // --log traces already; both read the one trace
			}
			r.rec = report.NewRecorder()
		}
		return g.withEnv(run)(cmd, args)
	}
}

// progress records the login's events for the report (with --report), and
// shows them as next does.
func (r reportFlags) progress(next func(auth.Event)) func(auth.Event) {
	if r.rec == nil {
		return next
	}
	return r.rec.Progress(next)
}

// afterLogin writes the report of a login that ended with res and err.
func (r reportFlags) afterLogin(ctx context.Context, env *runEnv, m *session.Manager, res *auth.Result, err error) error {
	if r.path == "" || m == nil {
		return err
	}
	a := session.Attempt{Region: env.region, Result: res, Err: err}
	if r.rec != nil {
		a.Started, a.Events = r.rec.Started(), r.rec.Events()
	}
	return r.write(env, m.Report(ctx, a), err)
}

// cmdName is what a report is of, for its messages.
func cmdName(a report.Attempt) string {
	if a.Kind == report.KindCheck {
		return "check"
	}
	return "login"
}

// checkWritableDir makes sure a file can be created in the directory of
// path, before the login starts (and the browser opens): a missing or
// read-only directory is said now, not after the person has logged in.
func checkWritableDir(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("--report %s: %w", path, err)
	}
	dir := filepath.Dir(abs)
	f, err := os.CreateTemp(dir, ".ssodesk-report-check-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("--report: cannot write a file in %s (%v): choose a directory you can write to; nothing was started", dir, err)
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// write writes the report of a (with --report) and says where on stderr.
// It returns err, the command's outcome, so the exit code stays what it
// was (README: a report that cannot be written is said, and changes no
// exit code).
func (r reportFlags) write(env *runEnv, a report.Attempt, err error) error {
	if r.path == "" {
		return err
	}
	if a.Config == nil {
		a.Config, a.Trace = env.cfg, transport.TraceOf(env.client)
	}
	w, werr := report.Save(r.path, a, report.Options{RedactPII: r.redactPII})
	if werr != nil {
		outcome := "succeeded"
		if err != nil {
			outcome = "failed"
		}
		fmt.Fprintf(env.stderr, "ssodesk: no report: %v (the %s itself %s; the exit code says so)\n", werr, cmdName(a), outcome)
		return err
	}
	fmt.Fprintln(env.stderr, "ssodesk: report written to", w.Report)
	if w.HAR != "" {
		fmt.Fprintln(env.stderr, "ssodesk: its HTTP trace (redacted HAR) written to", w.HAR)
	}
	return err
}

type reportCmdFlags struct {
	from      string
	out       string
	json      bool
	redactPII bool
}

func newReportCmd() *cobra.Command {
	var f reportCmdFlags
	cmd := &cobra.Command{
		Use:   "report --from FILE",
		Short: "Turn a saved `login --json` document into a diagnosis report (Markdown or --json)",
		Long: `report reads a document that ` + "`ssodesk login --json`" + ` saved (FILE, or - for stdin) and writes
its diagnosis report: where the login landed (the region story), the verification check by
check, the tokens as kind, length and SHA-256 prefix (never the tokens), and the decoded
claims. Such a document records no steps and no HTTP trace; the report says so.
` + "`ssodesk login --report FILE`" + ` writes a report with both.

The report goes to stdout, or with -o to a new file (mode 0600, never over an existing
one). --json writes the JSON document (schema ssodesk-report/1, see README) instead of
Markdown; --redact-pii masks names, e-mail addresses, tenant names, sub and noahuserid.`,
		Example: `  ssodesk login --json > login.json
  ssodesk report --from login.json --redact-pii -o ticket-1234.md`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReport(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "the saved `login --json` document (- for stdin)")
	fl.StringVarP(&f.out, "output", "o", "", "write to this new file instead of stdout (JSON when it ends in .json)")
	fl.BoolVar(&f.json, "json", false, "write the JSON document (schema ssodesk-report/1) instead of Markdown")
	fl.BoolVar(&f.redactPII, "redact-pii", false, "mask names, e-mail addresses, tenant names, sub and noahuserid (user-1, tenant-1)")
	return cmd
}

func runReport(cmd *cobra.Command, f reportCmdFlags) error {
	if f.from == "" {
		return usageError{errors.New("--from FILE is required: a document `ssodesk login --json` saved (- for stdin)")}
	}
	data, err := readFrom(cmd.InOrStdin(), f.from)
	if err != nil {
		return usageError{err}
	}
	a := report.Attempt{Kind: report.KindSaved, Saved: data}
	o := report.Options{RedactPII: f.redactPII, JSON: f.json}
	if f.out != "" {
		w, err := report.Save(f.out, a, o)
		if err != nil {
			return err
		}
		fmt.Fprintln(cmd.ErrOrStderr(), "ssodesk: report written to", w.Report)
		return nil
	}
	d, err := report.Build(a, o)
	if err != nil {
		return usageError{fmt.Errorf("%s: %w", f.from, err)}
	}
	out := d.Markdown()
	if f.json {
		if out, err = d.JSON(); err != nil {
			return err
		}
	}
	_, err = cmd.OutOrStdout().Write(out)
	return err
}

// maxSaved bounds the document read (a login --json is a few KB; a huge
// token makes it bigger, never this big).
const maxSaved = 64 << 20

func readFrom(stdin io.Reader, name string) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("--from: %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSaved+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("--from %s: %w", name, err)
	case len(data) > maxSaved:
		return nil, fmt.Errorf("--from %s: more than %d MB: not a `login --json` document", name, maxSaved>>20)
	}
	return data, nil
}
