package cli

// `ssodesk har FILE`: a customer's login, diagnosed from the HAR file their
// browser's devtools exported (issue 23): every login flow in it, as steps,
// with what went wrong, its cause and its fix.

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ssodesk/check"
	"ssodesk/flow"
	"ssodesk/har"
	"ssodesk/report"
	"ssodesk/transport"
)

func newHarCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "har FILE",
		Short: "Diagnose the logins in a browser's HAR file (a customer's login, exported from devtools)",
		Long: `har reads a HAR file (FILE, or - for stdin) that a browser's devtools exported — Chrome, Edge,
Firefox, Safari, Playwright, Fiddler, Charles or ssodesk's own trace export — and finds every login
flow in it: the authorize request at any HIMSA endpoint of any environment (or any IdP recognised by
its parameters) and what followed (login page, callback, token exchange, userinfo, API calls, silent
renews, end-session). For each flow it prints the app, the endpoint, the region story, each step and
what went wrong, with the cause and the fix. Tokens appear as kind, length and a SHA-256 prefix; codes,
tokens and secrets in URLs are redacted.

--json prints the same as a document (schema ssodesk-har/1). Exit code 1 when a flow failed or no
login flow was found; ssodesk har sanitize makes a HAR safe to attach to a ticket.`,
		Example: `  ssodesk har customer.har
  ssodesk har --json customer.har | jq '.flows[] | {client_id, outcome}'
  ssodesk har sanitize customer.har -o ticket-1234.har`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{errors.New("har needs one FILE (a HAR file, or - for stdin)")}
			}
			return nil
		},
		RunE: g.withEnv(func(cmd *cobra.Command, env *runEnv, args []string) error {
			return runHar(cmd, env, args[0], asJSON)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the diagnosis as JSON (schema ssodesk-har/1)")
	cmd.AddCommand(newHarSanitizeCmd())
	return cmd
}

func runHar(cmd *cobra.Command, env *runEnv, name string, asJSON bool) error {
	log, err := readHar(cmd.InOrStdin(), name)
	if err != nil {
		return usageError{err}
	}
	logins := flow.Logins(log.Exchanges, env.cfg.Endpoints(), env.cfg.Leeway)
	d := harDiagnosis(log, logins)
	if asJSON {
		if err := writeJSON(env.stdout, d); err != nil {
			return err
		}
	} else {
		printHar(env.stdout, d)
	}
	switch {
	case len(logins) == 0:
		return fmt.Errorf("no login flow found in %s (%d entries): no authorize request to a HIMSA endpoint or any IdP", d.Source.Name, d.Source.Entries)
	case d.Failed > 0:
		return fmt.Errorf("%d of %d login flows in %s did not succeed", d.Failed, len(logins), d.Source.Name)
	}
	return nil
}

// readHar reads name (- for stdin).
func readHar(stdin io.Reader, name string) (*har.Log, error) {
	o := har.Options{OnlyDiagnosticBodies: true} // a busy page's scripts and images: never read, never kept
	if name == "-" {
		return har.Read(stdin, "-", o)
	}
	return har.ReadFile(name, o)
}

// harDoc is `ssodesk har --json`'s document (schema ssodesk-har/1).
type harDoc struct {
	Schema    string     `json:"schema"`
	Source    har.Source `json:"source"`
	Problems  []string   `json:"problems,omitempty"`
	Sensitive bool       `json:"sensitive_data"`
	Notes     []harNote  `json:"notes,omitempty"`
	Flows     []harFlow  `json:"flows"`
	Failed    int        `json:"-"`
}

type harNote struct {
	Status string `json:"status"`
	Text   string `json:"text"`
	Cause  string `json:"cause,omitempty"`
	Fix    string `json:"fix,omitempty"`
}

type harFlow struct {
	ClientID    string         `json:"client_id"`
	RedirectURI string         `json:"redirect_uri,omitempty"`
	IdP         string         `json:"idp"`
	Environment string         `json:"environment,omitempty"`
	Endpoint    string         `json:"endpoint,omitempty"`
	Scopes      []string       `json:"scopes,omitempty"`
	PKCE        string         `json:"pkce,omitempty"`
	Prompt      string         `json:"prompt,omitempty"`
	CultureLCID string         `json:"culture_lcid,omitempty"`
	Silent      bool           `json:"silent,omitempty"`
	CodeRegion  string         `json:"code_region,omitempty"`
	Issuer      string         `json:"issuer,omitempty"`
	APIHost     string         `json:"api_host,omitempty"`
	Outcome     string         `json:"outcome"`
	FailedStep  string         `json:"failed_step,omitempty"`
	Steps       []harStep      `json:"steps"`
	Findings    []harNote      `json:"findings,omitempty"`
	Tokens      []report.Token `json:"tokens,omitempty"`
}

type harStep struct {
	Kind      string        `json:"kind"`
	Status    check.Status  `json:"status"`
	At        time.Time     `json:"at,omitzero"`
	TookMS    int64         `json:"took_ms"`
	Detail    string        `json:"detail,omitempty"`
	Exchanges []harExchange `json:"exchanges,omitempty"`
	Findings  []harNote     `json:"findings,omitempty"`
}

type harExchange struct {
	ID     int    `json:"id"`
	Method string `json:"method"`
	URL    string `json:"url"` // redacted: codes, tokens and secrets in it replaced
	Status int    `json:"status"`
}

// harDiagnosis is what `har` says of a file: what it is, and its flows with
// every secret of theirs scrubbed and every URL redacted.
func harDiagnosis(log *har.Log, logins []*flow.Login) harDoc {
	sec := transport.NewSecrets()
	for _, l := range logins {
		for _, t := range l.Tokens {
			sec.Add(t.Raw)
		}
	}
	d := harDoc{Schema: "ssodesk-har/1", Source: log.Source, Sensitive: log.Sensitive, Flows: []harFlow{}}
	for _, p := range log.Problems {
		d.Problems = append(d.Problems, sec.Scrub(p))
	}
	if f, ok := flow.SensitiveDataNote(log.Exchanges); ok {
		d.Notes = append(d.Notes, noteOf(f, sec))
	}
	for _, l := range logins {
		hf := flowOf(l, sec)
		if l.Outcome != flow.Succeeded {
			d.Failed++
		}
		d.Flows = append(d.Flows, hf)
	}
	return d
}

func flowOf(l *flow.Login, sec *transport.Secrets) harFlow {
	hf := harFlow{ClientID: l.ClientID, RedirectURI: transport.RedactURL(l.RedirectURI), IdP: l.IdP, Environment: l.Endpoint.Env,
		Endpoint: l.Endpoint.Name, Scopes: l.Scopes, PKCE: l.PKCEMethod, Prompt: l.Prompt, CultureLCID: l.CultureLCID,
		Silent: l.Silent, CodeRegion: l.CodeRegion, Issuer: l.Issuer, APIHost: l.APIHost, Outcome: l.Outcome.String()}
	if l.Outcome == flow.LoginFailed && l.FailedAt >= 0 && l.FailedAt < len(l.Steps) {
		hf.FailedStep = fmt.Sprintf("%d %s", l.FailedAt+1, l.Steps[l.FailedAt].Kind)
	}
	for _, s := range l.Steps {
		hf.Steps = append(hf.Steps, stepOf(s, sec))
	}
	for _, f := range l.Findings {
		hf.Findings = append(hf.Findings, noteOf(f, sec))
	}
	names := map[string]string{"code": "authorization code", "id_token": "ID token", "access_token": "access token", "refresh_token": "refresh token"}
	for _, t := range l.Tokens {
		hf.Tokens = append(hf.Tokens, report.Fingerprint(names[t.Kind], t.Raw))
	}
	return hf
}

func stepOf(s flow.Step, sec *transport.Secrets) harStep {
	st := map[flow.State]check.Status{flow.NotReached: check.Skip, flow.Done: check.Pass, flow.Warned: check.Warn, flow.Failed: check.Fail}[s.State]
	hs := harStep{Kind: string(s.Kind), Status: st, At: s.At, TookMS: s.Took.Milliseconds(), Detail: sec.Scrub(s.Detail)}
	for _, x := range s.Exchanges {
		hs.Exchanges = append(hs.Exchanges, harExchange{ID: x.ID, Method: x.Method, URL: harURL(x.RawURL, sec), Status: x.Status})
	}
	for _, f := range s.Findings {
		hs.Findings = append(hs.Findings, noteOf(f, sec))
	}
	return hs
}

// noteOf is a finding for output: "fail" and "warn" in the check
// vocabulary, "note" for what is only worth knowing (never ✓: nothing was
// checked by it).
// harURL is a URL of the HAR as printed: its secret parameters (code,
// tokens: transport.RedactURL) and those that tie it to the customer's
// browser session (state, nonce, session_state) redacted, and any known
// secret scrubbed.
func harURL(raw string, sec *transport.Secrets) string {
	out := transport.RedactURL(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return sec.Scrub(out)
	}
	var vals []string
	for _, k := range []string{"state", "nonce", "session_state"} {
		if v := u.Query().Get(k); len(v) >= 4 { // a value this short is no secret, and would scrub other text
			vals = append(vals, v, url.QueryEscape(v))
		}
	}
	return sec.Also(vals...).Scrub(out)
}

func noteOf(f flow.Finding, sec *transport.Secrets) harNote {
	st := map[flow.Severity]string{flow.Note: "note", flow.Warning: check.Warn.String(), flow.Failure: check.Fail.String()}[f.Severity]
	return harNote{Status: st, Text: sec.Scrub(f.Text), Cause: sec.Scrub(f.Cause), Fix: sec.Scrub(f.Fix)}
}

// printHar writes the diagnosis for a person.
func printHar(w io.Writer, d harDoc) {
	s := d.Source
	fmt.Fprintf(w, "%s: %d entries, %d pages, from %s (sha256 %s)\n", s.Name, s.Entries, s.Pages, orDashText(s.Creator), short(s.SHA256))
	for _, p := range d.Problems {
		fmt.Fprintln(w, "  ! "+p)
	}
	for _, n := range d.Notes {
		printNote(w, "", n)
	}
	if len(d.Flows) == 0 {
		fmt.Fprintln(w, "No login flow in it: no authorize request to a HIMSA endpoint or any IdP.")
	}
	for i, f := range d.Flows {
		fmt.Fprintf(w, "\nLogin %d: client %s at %s — %s\n", i+1, orDashText(f.ClientID), endpointText(f), outcomeText(f))
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
			fmt.Fprintf(w, "  %s %d %-12s %s\n", st.Status.Mark(), j+1, st.Kind, st.Detail)
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
		for _, t := range f.Tokens {
			line(t.Name, t.Text)
		}
	}
}

func printNote(w io.Writer, indent string, n harNote) {
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

func endpointText(f harFlow) string {
	if f.Endpoint == "" {
		return f.IdP + " (not a configured HIMSA endpoint)"
	}
	return fmt.Sprintf("%s %s (%s)", f.Environment, f.Endpoint, f.IdP)
}

func outcomeText(f harFlow) string {
	if f.FailedStep != "" {
		return f.Outcome + " at step " + f.FailedStep
	}
	return f.Outcome
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
