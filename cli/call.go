package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"ssodesk/api"
	"ssodesk/session"
	"ssodesk/transport"
)

func newCallCmd(g *globalFlags) *cobra.Command {
	var req api.Request // --query and --data go straight into it
	var headers []string
	var asJSON, login bool
	cmd := &cobra.Command{
		Use:   "call METHOD PATH",
		Short: "Make a test API call with the stored token; print status and body",
		Long: `call sends METHOD to PATH under the API base (the region's api in the config, else the ID
token's api claim) with the access token as bearer: the stored session of the region
(refreshed when it expires within its refresh margin, as for ssodesk token). Without one it exits 1 at once, naming the
login to run, so a script never waits for a person; --login logs in in the browser instead.

The status line (and, for 401/403, what it means) goes to stderr, the body to stdout;
--json prints the whole exchange instead. Exit code 1 unless the API answers 2xx.`,
		Example: `  ssodesk call GET me
  ssodesk call --region eu GET users --query 'page=2'
  ssodesk call POST users -H 'X-Request-Id: 42' --data '{"name":"x"}' --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError{fmt.Errorf("call needs METHOD and PATH, e.g. ssodesk call GET me")}
			}
			return nil
		},
		RunE: g.withEnv(func(cmd *cobra.Command, env *runEnv, args []string) error {
			h, err := parseHeaders(headers)
			if err != nil {
				return err
			}
			req.Method, req.Path, req.Header = args[0], args[1], h
			return runCall(cmd, env, req, asJSON, login)
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&req.Query, "query", "", "query string, e.g. 'page=2&size=10'")
	fl.StringArrayVarP(&headers, "header", "H", nil, "extra header 'Name: value' (repeatable)")
	fl.StringVar(&req.Body, "data", "", "JSON body")
	fl.BoolVar(&asJSON, "json", false, "print the whole exchange as JSON")
	fl.BoolVar(&login, "login", false, "without a stored session, log in in the browser (kept when storage is on)")
	return cmd
}

// parseHeaders parses the -H lines; a malformed one is a usage error.
func parseHeaders(lines []string) (http.Header, error) {
	h := http.Header{}
	for _, line := range lines {
		name, value, err := api.ParseHeader(line)
		if err != nil {
			return nil, usageError{err}
		}
		h.Add(name, value)
	}
	return h, nil
}

func runCall(cmd *cobra.Command, env *runEnv, req api.Request, asJSON, login bool) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	m, res, err := sessionForCall(ctx, env, login)
	if err != nil {
		return err
	}
	base, from, err := api.BaseURL(env.region.API, res.Claim("api"))
	if err != nil {
		return err
	}
	out := m.Call(ctx, res, session.CallInput{Base: base, Request: req})
	if out.Err != nil {
		return out.Err
	}
	resp, diag := out.Response, out.Diagnosis
	if asJSON {
		if err := printExchange(env.stdout, base, from, res.Token.AccessToken, resp, diag); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(env.stderr, "%s · %s · %d bytes · %s\n", resp.StatusText(), resp.Duration.Round(time.Millisecond), resp.Size, resp.URL)
		if diag != nil {
			fmt.Fprintln(env.stderr, diag.Summary)
		}
		if err := writeBody(env.stdout, resp); err != nil {
			return err
		}
	}
	if resp.Status < 200 || resp.Status > 299 {
		return fmt.Errorf("the API answered %s", resp.StatusText())
	}
	return nil
}

// printExchange writes a call as JSON; the Authorization header is redacted.
func printExchange(w io.Writer, base, from, token string, r *api.Response, d *api.Diagnosis) error {
	sent := r.Request.Header.Clone()
	if sent == nil {
		sent = http.Header{}
	}
	sent.Set("Authorization", "Bearer "+token)
	var body any = string(r.Body)
	if r.Kind() == api.BodyJSON {
		body = json.RawMessage(r.Body)
	} else if r.Kind() == api.BodyBinary {
		body = r.Pretty()
	}
	doc := map[string]any{
		"base": base, "base_from": from,
		"request": map[string]any{"method": r.Request.MethodOrGET(), "url": r.URL,
			"headers": transport.RedactHeader(sent), "body": r.Request.Body},
		"response": map[string]any{"status": r.Status, "headers": r.Header, "body": body,
			"size": r.Size, "duration_ms": r.Duration.Milliseconds()},
	}
	if d != nil {
		doc["diagnosis"] = map[string]any{"summary": d.Summary, "retry_after_refresh": d.Retry,
			"error": d.Challenge.Param("error"), "error_description": d.Challenge.Param("error_description")}
	}
	return writeJSON(w, doc)
}

// writeBody writes a response's body to stdout, made printable by the safe
// writer: pretty-printed for a person at a terminal, as received when stdout
// is a pipe or a file (as curl and gh api do: a script or jq gets the API's
// own bytes, and a 5 MB body is not re-indented on its way).
func writeBody(stdout io.Writer, resp *api.Response) error {
	if len(resp.Body) == 0 {
		return nil
	}
	if !term.IsTerminal(os.Stdout.Fd()) && resp.Kind() != api.BodyBinary { // binary stays "N bytes of <type>"
		_, err := stdout.Write(resp.Body)
		if err == nil && resp.Body[len(resp.Body)-1] != '\n' {
			_, err = io.WriteString(stdout, "\n")
		}
		return err
	}
	if err := resp.WritePretty(stdout); err != nil {
		return err
	}
	_, err := io.WriteString(stdout, "\n")
	return err
}
