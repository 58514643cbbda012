package cli

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"ssodesk/safe"
	"ssodesk/transport"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/loginjson"
	"ssodesk/session"
)

type loginFlags struct {
	json              bool
	noBrowser         bool
	clientCredentials bool
	save              bool
	report            reportFlags
	params            paramFlags
}

func newLoginCmd(g *globalFlags) *cobra.Command {
	var f loginFlags
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in without the TUI; print who logged in, or a JSON document with --json",
		Long: `login runs the browser login (Authorization Code + PKCE) at the configured or --region
endpoint. Progress and the authorize URL go to stderr; the result goes to stdout: a
summary, or with --json a document with the raw tokens, the decoded claims, the region
of the code, the endpoint that exchanged it, the issuer, the expiry and the
verification report.

--exchange-at (config exchange_at) picks where the code is exchanged: global (the
default: the endpoint you logged in at, which for the global endpoint hands it to the
code's regional IdP) or code-region (the regional IdP the code's prefix names).

--no-browser prints the URL and waits: open it on a machine that can reach this
machine's loopback port, or paste the final redirect URL (from the browser's address
bar) back here on stdin.

--client-credentials runs the service-app flow instead: client ID and secret, no
browser. HIMSA never issues refresh tokens to service apps.`,
		Example: `  ssodesk login --region eu
  ssodesk login --json | jq -r .tokens.access_token
  ssodesk login --exchange-at code-region --json   # exchange at the code's regional IdP (HIMSA 2b)
  ssodesk login --no-browser            # over SSH
  SSODESK_CLIENT_SECRET=… ssodesk login --client-credentials --env qa --region eu --json`,
		Args: noArgs,
		RunE: g.withReport(&f.report, func(cmd *cobra.Command, env *runEnv, _ []string) error {
			params, err := f.params.parse(cmd.Flags())
			if err != nil {
				return err
			}
			return runLogin(cmd, env, f, params)
		}),
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.json, "json", false, "print a JSON document (with the raw tokens) on stdout")
	fl.BoolVar(&f.noBrowser, "no-browser", false, "do not open a browser: print the URL and accept the pasted redirect URL on stdin")
	fl.BoolVar(&f.clientCredentials, "client-credentials", false, "service-app flow: client ID + secret, no browser, no refresh token")
	fl.BoolVar(&f.save, "save", false, "keep the session (config store: keyring or file; file when unset) for `call` and `token`")
	f.params.add(fl)
	f.report.add(fl, "login")
	return cmd
}

func runLogin(cmd *cobra.Command, env *runEnv, f loginFlags, params auth.AuthorizeParams) (err error) {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	m, err := env.sessions(f.save)
	if err != nil {
		return err
	}
	var res *auth.Result
	var notes []string
	defer func() { err = f.report.afterLogin(ctx, env, m, res, err) }() // --report: after any outcome
	if f.clientCredentials {
		fmt.Fprintf(env.stderr, "ssodesk: client credentials at %s  %s\n", explain.EnvEndpoint(env.region.Env, env.region.Name), env.region.Issuer)
		res, notes, err = m.ClientCredentials(ctx, env.region)
	} else {
		budget := env.budget("login")
		defer budget.done()
		in := session.LoginInput{Region: env.region, Progress: f.report.progress(budget.progress(env.progress())), Params: params}
		pasteBack := !config.IsLoopbackRedirect(env.cfg.RedirectURI) // another app's redirect URI
		if f.noBrowser || pasteBack {
			in.Pasted = pastedLines(env.stdin, func(msg string) { fmt.Fprintln(env.stderr, "ssodesk: warning: "+msg) })
		}
		if f.noBrowser {
			in.Open = func(context.Context, string) error { return nil }
			fmt.Fprintln(env.stderr, "ssodesk: --no-browser: open the URL below in a browser; if it cannot reach this machine, paste the final redirect URL here and press enter")
		}
		res, err = m.Login(ctx, in)
	}
	for _, n := range notes {
		fmt.Fprintln(env.stderr, "ssodesk: note:", n)
	}
	if !session.Shown(res, err) {
		return err
	}
	env.printNotes(res)
	if e := printResult(env.stdout, res, m.VerifyAccessToken(ctx, res), notes, f.json); e != nil {
		return e
	}
	return err // a verification failure: the document is printed, the exit code says it failed
}

// progress shows each login step on stderr, and remembers the warnings it
// showed so printNotes does not say them twice.
func (e *runEnv) progress() func(auth.Event) {
	return func(ev auth.Event) {
		msg := explain.EventMsg(ev)
		if e.logging {
			slog.Info("login", "step", ev.Step.String(), "msg", msg)
		}
		prefix := "ssodesk: "
		if ev.Step == auth.StepWarning {
			prefix += "warning: "
			e.said[msg] = true
		}
		fmt.Fprintln(e.stderr, prefix+msg)
		if ev.Step == auth.StepBrowser && ev.URL != "" {
			fmt.Fprintln(e.stderr, ev.URL)
		}
	}
}

// maxPastedLine bounds one pasted line: a redirect URL is far shorter.
const maxPastedLine = 1 << 20

// pastedLines feeds the lines of r to a login. A line longer than
// maxPastedLine is dropped with a warning, and reading goes on, so a valid
// URL pasted after it still counts.
func pastedLines(r io.Reader, warn func(string)) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		br := bufio.NewReaderSize(r, 64<<10)
		for {
			line, tooLong, err := readLine(br, maxPastedLine)
			if tooLong {
				warn(fmt.Sprintf("a pasted line of more than %d KB was ignored; paste the redirect URL alone on a line", maxPastedLine>>10))
			} else if line = strings.TrimSpace(line); line != "" {
				ch <- line
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

// readLine reads one line of at most limit bytes; a longer one is read to
// its end and dropped (tooLong).
func readLine(br *bufio.Reader, limit int) (line string, tooLong bool, err error) {
	var b strings.Builder
	for {
		frag, isPrefix, err := br.ReadLine()
		if !tooLong {
			if b.Len()+len(frag) > limit {
				tooLong = true
				b.Reset()
			} else {
				b.Write(frag)
			}
		}
		if err != nil || !isPrefix {
			return b.String(), tooLong, err
		}
	}
}

func printResult(w io.Writer, res *auth.Result, access *auth.Report, notes []string, asJSON bool) error {
	now := time.Now()
	if asJSON {
		v := loginjson.Of(res, now, access)
		v.Notes = append(append([]string(nil), res.Notes...), notes...)
		return writeJSON(w, v)
	}
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-14s %s\n", k, safe.Printable(v))
		}
	}
	line("user", res.Who())
	line("tenantid", res.Claim("tenantid"))
	at := func(name, url string) string { return explain.EnvEndpoint(res.Region.Env, name) + "  " + url }
	line("client", res.ClientID)
	line("region", at(res.Region.Name, res.Region.Issuer))
	line("code region", res.CodeRegion)
	if res.ExchangedAt.Name != "" {
		line("exchanged at", at(res.ExchangedAt.Name, res.ExchangedAt.Issuer))
	}
	if res.Issuer != "" {
		line("issuer", at(cmp.Or(res.IssuerRegion(), "(not configured)"), res.Issuer))
	}
	line("api", res.Claim("api"))
	line("app host", res.AppHost)
	line("scopes", strings.Join(res.Scopes, " "))
	if res.Token != nil && !res.Token.Expiry.IsZero() {
		line("expires", explain.LocalTime(res.Token.Expiry, now))
	}
	line("refresh token", explain.If(res.Token.RefreshToken != "", "issued", "none"))
	if res.Report != nil {
		line("ID token", explain.If(res.Verified(), "verified: ", "NOT verified: ")+res.Report.Summary())
		line("keys", explain.KeySet(res.Report))
		line("", explain.SessionStory(res))
	}
	printParams(w, res)
	if access != nil {
		line("access token", explain.If(access.OK(), "a JWT, verified: ", "a JWT, NOT verified: ")+access.Summary())
	}
	return nil
}

// printParams writes the parameters the login sent and their checks.
func printParams(w io.Writer, res *auth.Result) {
	if res.Params == nil {
		return
	}
	fmt.Fprintf(w, "%-14s %s\n", "sent", explain.ParamsSent(res.Params.Sent))
	for _, r := range res.ParamChecks {
		fmt.Fprintf(w, "  %s %-13s %s\n", r.Status.Mark(), r.Name, safe.Printable(r.Detail))
	}
}

// budgeter logs a command's round trips (--log: transport.Trace.Budget),
// the browser's time apart.
type budgeter struct {
	env                       *runEnv
	command                   string
	start                     time.Time
	mu                        sync.Mutex
	browserFrom, browserUntil time.Time
}

func (e *runEnv) budget(command string) *budgeter {
	return &budgeter{env: e, command: command, start: time.Now()}
}

// progress notes when the browser opened and when its redirect came.
func (b *budgeter) progress(next func(auth.Event)) func(auth.Event) {
	return func(ev auth.Event) {
		b.mu.Lock()
		switch ev.Step {
		case auth.StepBrowser:
			b.browserFrom = time.Now()
		case auth.StepCallback:
			b.browserUntil = time.Now()
		}
		b.mu.Unlock()
		next(ev)
	}
}

// done logs the budget (only with --log: the trace is recorded then).
func (b *budgeter) done() {
	tr := transport.TraceOf(b.env.client)
	if !b.env.logging || tr == nil {
		return
	}
	b.mu.Lock()
	from, until := b.browserFrom, b.browserUntil
	b.mu.Unlock()
	if until.IsZero() {
		until = time.Now()
	}
	bg := tr.Budget(b.start, from, until)
	slog.Info("round trips", "budget", explain.Budget(b.command, bg.Critical, bg.Parallel, bg.Requests, bg.Connections, bg.Cached))
}
