package cli

// `ssodesk har FILE`: a customer's login, diagnosed from the HAR file their
// browser's devtools exported (issue 23): every login flow in it, as steps,
// with what went wrong, its cause and its fix.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/flow"
	"ssodesk/har"
	"ssodesk/report"
	"ssodesk/safe"
	"ssodesk/session"
	"ssodesk/timefmt"
)

// harFlags are the flags of `ssodesk har`.
type harFlags struct {
	asJSON, verify, redactPII, text bool
	reportPath                      string
}

func newHarCmd(g *globalFlags) *cobra.Command {
	var f harFlags
	cmd := &cobra.Command{
		Use:   "har FILE",
		Short: "Diagnose the logins in a browser's HAR file (a customer's login, exported from devtools)",
		Long: `har reads a HAR file (FILE, or - for stdin) that a browser's devtools exported — Chrome, Edge,
Firefox, Safari, Playwright, Fiddler, Charles or ssodesk's own trace export — and finds every login
flow in it: the authorize request at any HIMSA endpoint of any environment (or any IdP recognised by
its parameters) and what followed (login page, callback, token exchange, userinfo, API calls, silent
renews, end-session). For each flow it prints the app, the endpoint, the region story, each step and
what went wrong, with the cause and the fix, and every token decoded (times as at its use). Tokens
appear as kind, length and a SHA-256 prefix; codes, tokens and secrets in URLs are redacted.

--verify checks each JWT against the keys of the HIMSA endpoint the flow went to (this needs the IdP;
without it a token is "not verified: offline", never ✓), as of its use in the HAR.
--json prints the same as a document (schema ssodesk-har/1); --report FILE writes the diagnosis
report (Markdown, JSON for a .json name; 0600, never over a file), --redact-pii masks people and
tenants in all of it. Exit code 1 when a flow failed or no login flow was found; ssodesk har sanitize
makes a HAR safe to attach to a ticket.

In a terminal (stdin and stdout), without --json, --report, --verify or --redact-pii, har opens the TUI's flows screen instead
(--text prints the text): enter opens a flow (its steps, findings, tokens) and a token in the session
inspector, read-only (v verifies it; nothing else is ever done with a customer's token); d writes the
report, w the sanitised HAR; esc goes back. A pipe gets the text.`,
		Example: `  ssodesk har customer.har
  ssodesk har --text customer.har | less
  ssodesk har --verify --report ticket-1234.md customer.har
  ssodesk har --json customer.har | jq '.flows[] | {client_id, outcome}'
  ssodesk har sanitize customer.har -o ticket-1234.har`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("har needs one FILE (a HAR file, or - for stdin)")}
			}
			return nil
		},
		RunE: g.withEnv(func(cmd *cobra.Command, env *runEnv, args []string) error {
			if harInTUI(cmd, args[0], f) {
				return runHarTUI(g, env.cfg, args[0])
			}
			return runHar(cmd, env, args[0], f)
		}),
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.asJSON, "json", false, "print the diagnosis as JSON (schema ssodesk-har/1)")
	fl.BoolVar(&f.verify, "verify", false, "verify each JWT against its HIMSA endpoint's keys (needs the IdP), as of its use")
	fl.StringVar(&f.reportPath, "report", "", "also write the diagnosis report to FILE (Markdown; JSON when FILE ends in .json)")
	fl.BoolVar(&f.text, "text", false, "print the diagnosis as text even in a terminal (where har opens the TUI's flows screen)")
	fl.BoolVar(&f.redactPII, "redact-pii", false, "mask names, e-mail addresses, tenant names, sub and noahuserid (user-1, tenant-1)")
	cmd.AddCommand(newHarSanitizeCmd())
	return cmd
}

// harInTUI: ssodesk har FILE opens the TUI's flows screen when stdin and
// stdout are terminals and none of --json, --report, --verify, --redact-pii, --text asks for
// output; a pipe, a test or stdin (-) gets the text.
func harInTUI(cmd *cobra.Command, name string, f harFlags) bool {
	return !f.asJSON && !f.text && !f.verify && !f.redactPII && f.reportPath == "" && name != "-" && isTerminal(cmd.InOrStdin()) && term.IsTerminal(os.Stdout.Fd()) // env.stdout is os.Stdout made safe
}

// runHarTUI opens the TUI on the flows screen of the HAR file name.
func runHarTUI(g *globalFlags, cfg *config.Config, name string) error {
	com, svc, err := newTUI(cfg, nil)
	if err != nil {
		return usageError{err}
	}
	return runProgram(g, com, svc, name)
}

func runHar(cmd *cobra.Command, env *runEnv, name string, f harFlags) error {
	if f.reportPath != "" {
		if err := report.CheckFree(f.reportPath, false); err != nil {
			return usageError{err}
		}
	}
	log, logins, err := openHar(cmd.InOrStdin(), name, env.cfg)
	if err != nil {
		return usageError{err}
	}
	o := report.HAROptions{RedactPII: f.redactPII}
	if f.verify {
		o.Verified = verifyHar(cmd.Context(), env, logins)
	}
	d := report.DiagnoseHAR(log, logins, o)
	if f.asJSON {
		if err := writeJSON(env.stdout, d); err != nil {
			return err
		}
	} else {
		printHar(env.stdout, d)
	}
	if f.reportPath != "" {
		abs, err := report.SaveHAR(f.reportPath, d, report.HARSecrets(logins), report.Options{RedactPII: f.redactPII})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "Report written to %s\n", abs)
	}
	switch {
	case len(logins) == 0:
		return fmt.Errorf("no login flow found in %s (%d entries): no authorize request to a HIMSA endpoint or any IdP", d.Source.Name, d.Source.Entries)
	case d.Failed() > 0:
		return fmt.Errorf("%d of %d login flows in %s did not succeed", d.Failed(), len(logins), d.Source.Name)
	}
	return nil
}

// verifyHar verifies every flow's JWTs (session.Manager.VerifyFound),
// saying on stderr which IdP it asks.
func verifyHar(ctx context.Context, env *runEnv, logins []*flow.Login) map[string]*auth.Report {
	m := session.New(env.cfg, env.client, nil)
	out := map[string]*auth.Report{}
	for _, l := range logins {
		if l.Endpoint.Issuer == "" || len(l.Tokens) == 0 {
			continue
		}
		fmt.Fprintf(env.stderr, "Verifying the tokens of %s against %s…\n", safe.Printable(l.ClientID), l.Endpoint.Issuer)
		maps.Copy(out, m.VerifyFound(ctx, l))
	}
	return out
}

// openHar reads name (- for stdin) and finds its login flows at cfg's
// endpoints: ssodesk har's reading, and the TUI's.
func openHar(stdin io.Reader, name string, cfg *config.Config) (*har.Log, []*flow.Login, error) {
	log, err := readHar(stdin, name)
	if err != nil {
		return nil, nil, err
	}
	return log, flow.Logins(log.Exchanges, cfg.Endpoints(), cfg.Leeway), nil
}

// readHar reads name (- for stdin).
func readHar(stdin io.Reader, name string) (*har.Log, error) {
	o := har.Options{OnlyDiagnosticBodies: true} // a busy page's scripts and images: never read, never kept
	if name == "-" {
		return har.Read(stdin, "-", o)
	}
	return har.ReadFile(name, o)
}

// printHar writes the diagnosis for a person.
func printHar(w io.Writer, d *report.HAR) {
	s := d.Source
	fmt.Fprintf(w, "%s: %d entries, %d pages, from %s (sha256 %s)\n", s.Name, s.Entries, s.Pages, orDashText(s.Creator), short(s.SHA256))
	for _, p := range d.Problems {
		fmt.Fprintln(w, "  ! "+p)
	}
	for _, n := range d.Notes {
		printNote(w, "", n)
	}
	if len(d.Flows) == 0 {
		fmt.Fprintln(w, "No"+strings.TrimPrefix(explain.HARNoFlow, "no")+".")
	}
	for i, f := range d.Flows {
		fmt.Fprintf(w, "\nLogin %d: client %s at %s — %s\n", i+1, orDashText(f.ClientID), f.Where(), f.OutcomeText())
		line := func(k, v string) {
			if v != "" {
				fmt.Fprintf(w, "  %-13s %s\n", k, v)
			}
		}
		line("redirect URI", f.RedirectURI)
		line("scopes", strings.Join(f.Scopes, " "))
		line("PKCE", f.PKCE)
		line("prompt", f.Prompt)
		line("culture-lcid", f.CultureLCID)
		line("code region", f.CodeRegion)
		line("ID token iss", f.Issuer)
		line("API host", f.APIHost)
		said := map[string]bool{}
		for j, st := range f.Steps {
			fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %s %d %-12s %s", st.Status.Mark(), j+1, st.Kind, st.Detail), " "))
			for _, x := range st.Exchanges {
				fmt.Fprintf(w, "        #%d %s %s %s\n", x.ID, x.Method, statusText(x.Status), x.URL)
			}
			for _, n := range st.Findings {
				printNote(w, "    ", n)
				said[n.Text] = true
			}
		}
		for _, n := range f.Findings {
			if !said[n.Text] { // a step's finding is said under its step
				printNote(w, "  ", n)
			}
		}
		if f.Story != "" {
			fmt.Fprintln(w, "  "+f.Story)
		}
		for _, t := range f.Tokens {
			printHarToken(w, t)
		}
	}
}

// printHarToken is a token's fingerprint, whether it was verified, and a
// JWT's claims with their times as at its use.
func printHarToken(w io.Writer, t report.HARToken) {
	head := t.Text
	if t.Verified != "" {
		head += " — " + t.Verified
	}
	fmt.Fprintf(w, "  %-13s %s\n", t.Name, head)
	if v := t.Verification; v != nil {
		for _, c := range v.Checks {
			fmt.Fprintf(w, "      %s %-11s %s\n", c.Status.Mark(), c.Name, safe.Printable(c.Detail))
		}
	}
	names := slices.Sorted(maps.Keys(t.Claims))
	if len(names) > 0 && !t.At.IsZero() {
		fmt.Fprintf(w, "      claims, times as at its use (%s):\n", timefmt.Clock(t.At))
	}
	for _, k := range names {
		line := fmt.Sprintf("      %-12s %s", safe.Printable(k), explain.ClaimText(k, t.Claims[k], t.At))
		if label := explain.ClaimLabel(k); label != "" {
			line += "   (" + label + ")"
		}
		fmt.Fprintln(w, line)
	}
}

func printNote(w io.Writer, indent string, n report.HARNote) {
	mark := "•"
	if st, ok := check.Parse(n.Status); ok {
		mark = st.Mark()
	}
	fmt.Fprintf(w, "%s%s %s\n", indent, mark, n.Text)
	if n.Cause != "" {
		fmt.Fprintf(w, "%s    cause: %s\n", indent, n.Cause)
	}
	if n.Fix != "" {
		fmt.Fprintf(w, "%s    fix:   %s\n", indent, n.Fix)
	}
}

func statusText(s int) string {
	if s == 0 {
		return "(no answer)"
	}
	return fmt.Sprint(s)
}

func orDashText(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func short(sha string) string { return sha[:min(len(sha), 12)] }
