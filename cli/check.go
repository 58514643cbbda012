package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/explain"
	"ssodesk/session"
)

// appFlags are check's flags for another app's authorize request.
type appFlags struct {
	scopes               []string
	prompt, responseMode string
}

func newCheckCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	var rep reportFlags
	var app appFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check every configured endpoint (or --region's) for this client, without logging in",
		Long: `check runs, for each configured endpoint (or only --region's), without logging in:
discovery (reachable, TLS version, certificate expiry, issuer match), the JWKS (reachable,
keys, algorithms), the authorize request's pre-flight for this client ID and redirect URI
(the IdP's own error message and Request Id when it refuses), the token endpoint's
authentication methods against whether a secret is configured, which of userinfo,
end-session, revocation and introspection are advertised, this computer's clock against
the IdP's Date header, and whether the redirect URI's port is free here.

Each check is a row: ✓ fine, ! worth knowing, ✗ a login will fail, – not checked.
Exit code 1 when any row is ✗.`,
		Example: `  ssodesk check
  ssodesk check --region eu
  ssodesk check --json | jq '.[] | .checks[] | select(.status == "fail")'`,
		Args: noArgs,
		RunE: g.withReport(&rep, func(cmd *cobra.Command, env *runEnv, _ []string) error {
			regions := env.cfg.Regions
			if cmd.Flags().Changed("region") {
				regions = []config.Region{env.region}
			}
			m := session.New(env.cfg, env.client, nil)
			reports, err := runCheck(cmd, g, env, m, app, regions)
			if err != nil {
				return usageError{err}
			}
			if err := show(env.stdout, asJSON, reports, func(w io.Writer) { printChecks(w, reports) }); err != nil {
				return err
			}
			var one config.Region
			if len(regions) == 1 {
				one = regions[0]
			}
			failed := checkFailures(reports)
			if env.cfg.ClientID == "" { // every authorize row says so; a config error (exit 2)
				failed = auth.ErrNoClientID
			}
			return rep.write(env, m.CheckReport(reports, one), failed) // --report: after any outcome
		}),
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "print JSON: one report per endpoint, each check with its status (ok, warn, fail, skip) and detail")
	fl.StringSliceVar(&app.scopes, "scope", nil, "the scopes of the app's request (default: the configured ones); repeat or comma-separate")
	fl.StringVar(&app.prompt, "prompt", "", "the prompt of the app's request (none, login, select_account, …)")
	fl.StringVar(&app.responseMode, "response-mode", "", "the response_mode of the app's request (query, fragment, form_post)")
	rep.add(fl, "check")
	return cmd
}

// runCheck checks regions: for the configured client, or — with
// --client-id, --redirect-uri, --scope, --prompt or --response-mode —
// for that app's request, the configured client's own registration the
// baseline of a refusal.
func runCheck(cmd *cobra.Command, g *globalFlags, env *runEnv, m *session.Manager, app appFlags, regions []config.Region) ([]diagnose.Report, error) {
	fl := cmd.Flags()
	if !slices.ContainsFunc([]string{"client-id", "redirect-uri", "scope", "prompt", "response-mode"}, fl.Changed) {
		return m.Check(cmd.Context(), regions...)
	}
	req := auth.AuthorizeRequest{ClientID: env.cfg.ClientID, RedirectURI: env.cfg.RedirectURI, Scopes: app.scopes, Prompt: app.prompt, ResponseMode: app.responseMode}
	if len(req.Scopes) > 0 && !slices.Contains(req.Scopes, "openid") {
		return nil, fmt.Errorf("--scope %s lacks openid: an OpenID Connect login asks for it (add --scope openid)", strings.Join(req.Scopes, ","))
	}
	return m.CheckApp(cmd.Context(), req, ownRegistration(cmd, g, req), regions...)
}

// ownRegistration is the configured client's registration (the config
// without --client-id and --redirect-uri), when it is not app's; nil
// otherwise.
func ownRegistration(cmd *cobra.Command, g *globalFlags, app auth.AuthorizeRequest) *auth.AuthorizeRequest {
	rest := pflag.NewFlagSet("own", pflag.ContinueOnError)
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name != "client-id" && f.Name != "redirect-uri" {
			rest.AddFlag(f)
		}
	})
	cfg, err := config.Load(g.configFile, rest)
	if err != nil {
		return nil
	}
	return session.OwnRegistration(cfg, app)
}

// printChecks writes each endpoint's rows: mark, check, one sentence.
func printChecks(w io.Writer, reports []diagnose.Report) {
	for i, rep := range reports {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  %s\n", explain.EnvEndpoint(rep.Environment, rep.Region), rep.Issuer)
		for _, r := range rep.Rows {
			fmt.Fprintf(w, "  %s %-13s %s\n", r.Status.Mark(), r.Name, r.Detail)
			if r.Name != diagnose.RowRefuses {
				continue
			}
			for i, p := range rep.Probes {
				fmt.Fprintf(w, "      %d. %s\n", i+1, explain.ProbeLine(p.Changed, p.Value, p.Outcome, p.Error, p.RequestID, p.Request))
			}
		}
	}
}

// checkFailures is the error (exit 1) naming the failed rows, nil when none.
func checkFailures(reports []diagnose.Report) error {
	var failed []string
	for _, rep := range reports {
		if f := rep.Failed(); len(f) > 0 {
			failed = append(failed, explain.EnvEndpoint(rep.Environment, rep.Region)+": "+strings.Join(f, ", "))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("check failed (%s)", strings.Join(failed, "; "))
}
