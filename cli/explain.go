package cli

// `ssodesk explain URL`: any URL from a ticket (issue 24, item 3) — an
// authorize request, a callback, the IdP's error page, an end-session
// request, a token or API URL — read into facts (urlfacts) and said in
// explain's words.

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/explain"
	"ssodesk/urlfacts"
)

func newExplainCmd(g *globalFlags) *cobra.Command {
	var asJSON, online bool
	cmd := &cobra.Command{
		Use:   "explain URL | -",
		Short: "Explain any URL from a ticket: authorize request, callback, error page, end-session, token or API URL",
		Long: `explain reads one URL — from the argument, or from stdin with "-" (or when stdin is not a
terminal) — and says what it is: the kind (authorize request, callback, the IdP's error page,
end-session, token, userinfo, discovery, JWKS, API, another page of an IdP, or unknown), the
configured endpoint and environment it belongs to, each parameter (codes, tokens and secrets
as fingerprints, state and nonce by their length, never whole), and what is missing or wrong,
with the cause and the fix. A host that is no configured endpoint or API base is said to be
unknown, never guessed.

The URL may come with text around it (quotes, a "GET https://… HTTP/1.1" request line, a
sentence): it is taken out. Credentials in it (https://user:password@…) are said, never shown,
and the URL is sent nowhere. --online reads the endpoint's discovery document to check an
authorize request's scopes against scopes_supported (without it they are not checked). With
--region, a callback's iss is checked against that endpoint's issuer.

--json prints the same as a document (schema ssodesk-explain/1). Exit code 1 when a finding is
✗ (an error callback, no PKCE, …), 2 when the input is not a URL.`,
		Example: `  ssodesk explain 'https://idp.himsa-sso.com/connect/authorize?client_id=…&response_type=code&…'
  ssodesk explain --region global 'https://app.example/signin-oidc?code=eu.…&state=…&iss=…'
  pbpaste | ssodesk explain -
  ssodesk explain --online --json "$URL" | jq '.findings[] | select(.status == "fail")'`,
		RunE: g.withEnv(func(cmd *cobra.Command, env *runEnv, args []string) error {
			raw, err := readURLInput(env.stdin, args)
			if err != nil {
				return err
			}
			return runExplain(cmd, env, raw, asJSON, online)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (schema "+explain.URLSchema+")")
	cmd.Flags().BoolVar(&online, "online", false, "read the endpoint's discovery to check the scopes against scopes_supported")
	return cmd
}

// readURLInput takes the URL from args (joined: an unquoted request line
// is several) or stdin, at most urlfacts.MaxInput bytes.
func readURLInput(stdin io.Reader, args []string) (string, error) {
	switch {
	case len(args) > 0 && !(len(args) == 1 && args[0] == "-"):
		return strings.Join(args, " "), nil
	case len(args) == 0 && isTerminal(stdin):
		return "", usageError{errors.New("give a URL as the argument, or pipe one in (ssodesk explain -)")}
	}
	b, err := io.ReadAll(io.LimitReader(stdin, urlfacts.MaxInput+1))
	if err != nil {
		return "", fmt.Errorf("reading the URL from stdin: %w", err)
	}
	return string(b), nil
}

func runExplain(cmd *cobra.Command, env *runEnv, raw string, asJSON, online bool) error {
	c := urlfacts.ContextOf(env.cfg)
	if cmd.Flags().Changed("region") {
		r := env.region
		c.Expect = &r
	}
	f, err := urlfacts.ReadIn(raw, c)
	var ie *urlfacts.InputError
	if errors.As(err, &ie) {
		return usageError{errors.New(explain.URLInputError(ie))}
	}
	if err != nil {
		return err
	}
	if online && !(f.Kind == urlfacts.Authorize && f.Found) {
		fmt.Fprintln(env.stderr, "ssodesk: "+explain.URLOnlineNothing(f))
	}
	if online && f.Kind == urlfacts.Authorize && f.Found {
		fmt.Fprintf(env.stderr, "Reading the discovery document of %s…\n", f.Endpoint.Issuer)
		c.Scopes, err = auth.DiscoveryScopes(cmd.Context(), env.client, f.Endpoint.Issuer)
		if err != nil {
			c.Scopes, c.ScopesError = nil, explain.Error(err)
			fmt.Fprintln(env.stderr, "ssodesk: warning: "+explain.URLDiscoveryUnreachable(f.Endpoint.Issuer, c.ScopesError))
		}
		if f, err = urlfacts.ReadIn(raw, c); err != nil {
			return err
		}
	}
	x := explain.URL(f)
	if err := show(env.stdout, asJSON, x, func(w io.Writer) { printExplained(w, x) }); err != nil {
		return err
	}
	if x.Failed {
		n := 0
		for _, fd := range x.Findings {
			if fd.Status == "fail" {
				n++
			}
		}
		return fmt.Errorf("the URL shows %d %s marked ✗", n, explain.If(n == 1, "problem", "problems"))
	}
	return nil
}

// printExplained writes the explanation for a person: the kind and
// endpoint, the URL, the parameters as a table, the findings with marks.
func printExplained(w io.Writer, x *explain.URLExplanation) {
	fmt.Fprintln(w, x.What)
	fmt.Fprintf(w, "  %-12s %s\n", "kind", x.Kind)
	if e := x.Endpoint; e != nil {
		fmt.Fprintf(w, "  %-12s %s / %s  %s\n", "endpoint", e.Environment, e.Name, e.Issuer)
	} else if x.Kind == string(urlfacts.Callback) {
		fmt.Fprintf(w, "  %-12s %s\n", "endpoint", "none: a callback goes to the app (its iss names the IdP)")
	} else {
		fmt.Fprintf(w, "  %-12s %s\n", "endpoint", "none configured (unknown host)")
	}
	fmt.Fprintf(w, "  %-12s %s\n", "URL", x.URL)
	if len(x.Params) > 0 {
		width := 4
		for _, p := range x.Params {
			width = max(width, min(utf8.RuneCountInString(paramLabel(p)), 28))
		}
		fmt.Fprintln(w, "\nparameters")
		for _, p := range x.Params {
			fmt.Fprintf(w, "  %-*s %s\n", width, paramLabel(p), p.Text)
		}
		if x.ParamsCut > 0 {
			fmt.Fprintf(w, "  … and %d more\n", x.ParamsCut)
		}
	}
	if len(x.Findings) == 0 {
		return
	}
	fmt.Fprintln(w, "\nfindings")
	for _, f := range x.Findings {
		fmt.Fprintf(w, "  %s %s\n", explain.URLMark(f.Status), f.Text)
		if f.Cause != "" {
			fmt.Fprintf(w, "      cause: %s\n", f.Cause)
		}
		if f.Fix != "" {
			fmt.Fprintf(w, "      fix:   %s\n", f.Fix)
		}
	}
}

// paramLabel is a parameter's name, marked when it came in the fragment.
func paramLabel(p explain.URLParam) string {
	if p.In == urlfacts.InFragment {
		return "#" + p.Name
	}
	return p.Name
}
