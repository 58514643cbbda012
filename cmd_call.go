package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/transport"
)

type callFlags struct {
	query   string
	headers []string
	data    string
	json    bool
}

func newCallCmd(g *globalFlags) *cobra.Command {
	var f callFlags
	cmd := &cobra.Command{
		Use:   "call METHOD PATH",
		Short: "Make a test API call with the stored (or a fresh) token; print status and body",
		Long: `call sends METHOD to PATH under the API base (the region's api in the config, else the ID
token's api claim) with the access token as bearer: the stored session of the region
(refreshed when it expires within a minute), else a fresh browser login.

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
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, region, err := loadRegion(g, cmd)
			if err != nil {
				return err
			}
			return runCall(cmd, cfg, region, args[0], args[1], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.query, "query", "", "query string, e.g. 'page=2&size=10'")
	fl.StringArrayVarP(&f.headers, "header", "H", nil, "extra header 'Name: value' (repeatable)")
	fl.StringVar(&f.data, "data", "", "JSON body")
	fl.BoolVar(&f.json, "json", false, "print the whole exchange as JSON")
	return cmd
}

func runCall(cmd *cobra.Command, cfg *config.Config, region config.Region, method, path string, f callFlags) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	stderr := cmd.ErrOrStderr()
	req := api.Request{Method: method, Path: path, Query: f.query, Body: f.data, Header: http.Header{}}
	for _, h := range f.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return usageError{fmt.Errorf("header %q is not 'Name: value'", h)}
		}
		req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	client, err := auth.HTTPClientFor(cfg, nil)
	if err != nil {
		return usageError{err}
	}
	res, err := loadStored(ctx, stderr, cfg, region, client)
	if err != nil {
		fmt.Fprintln(stderr, "ssodesk:", err, "— logging in instead")
		o := auth.OptionsFrom(cfg, region, client)
		o.Progress = progressPrinter(stderr)
		if res, err = auth.Login(ctx, o); err != nil {
			return err
		}
		if cfg.Store != "" {
			if err := saveSession(stderr, cfg, res); err != nil {
				return err
			}
		}
	}
	base, from, err := api.BaseURL(region.API, res.Claim("api"))
	if err != nil {
		return err
	}
	resp, err := api.Do(ctx, client, base, res.Token.AccessToken, req)
	if err != nil {
		return err
	}
	diag := api.Diagnose(resp, api.FactsFor(res, region, time.Now()))
	out := cmd.OutOrStdout()
	if f.json {
		if err := printExchange(out, base, from, res.Token.AccessToken, resp, diag); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stderr, "%s · %s · %d bytes · %s\n", resp.StatusText(), resp.Duration.Round(time.Millisecond), resp.Size, resp.URL)
		if diag != nil {
			fmt.Fprintln(stderr, diag.Summary)
		}
		if body := resp.Pretty(); body != "" {
			fmt.Fprintln(out, explain.PrintableText(body))
		}
	}
	if resp.Status < 200 || resp.Status > 299 {
		return fmt.Errorf("the API answered %s", resp.StatusText())
	}
	return nil
}

// printExchange writes a call as JSON; the Authorization header is redacted.
func printExchange(w interface{ Write([]byte) (int, error) }, base, from, token string, r *api.Response, d *api.Diagnosis) error {
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
		"request": map[string]any{"method": strings.ToUpper(cmp.Or(r.Request.Method, "GET")), "url": r.URL,
			"headers": transport.RedactHeader(sent), "body": r.Request.Body},
		"response": map[string]any{"status": r.Status, "headers": r.Header, "body": body,
			"size": r.Size, "duration_ms": r.Duration.Milliseconds()},
	}
	if d != nil {
		doc["diagnosis"] = map[string]any{"summary": d.Summary, "retry_after_refresh": d.Retry,
			"error": d.Challenge.Param("error"), "error_description": d.Challenge.Param("error_description")}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
