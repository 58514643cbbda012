package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/session"
)

func newCheckCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	var rep reportFlags
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
			reports, err := m.Check(cmd.Context(), regions...)
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
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: one report per endpoint, each check with its status (ok, warn, fail, skip) and detail")
	rep.add(cmd.Flags(), "check")
	return cmd
}

// printChecks writes each endpoint's rows: mark, check, one sentence.
func printChecks(w io.Writer, reports []diagnose.Report) {
	for i, rep := range reports {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s  %s\n", rep.Region, rep.Issuer)
		for _, r := range rep.Rows {
			fmt.Fprintf(w, "  %s %-13s %s\n", r.Status.Mark(), r.Name, r.Detail)
		}
	}
}

// checkFailures is the error (exit 1) naming the failed rows, nil when none.
func checkFailures(reports []diagnose.Report) error {
	var failed []string
	for _, rep := range reports {
		if f := rep.Failed(); len(f) > 0 {
			failed = append(failed, rep.Region+": "+strings.Join(f, ", "))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("check failed (%s)", strings.Join(failed, "; "))
}
