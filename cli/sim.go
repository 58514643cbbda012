package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"ssodesk/sim"
)

func newSimCmd() *cobra.Command {
	var o sim.Options
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the stand-in HIMSA IdP and API alone, for use with other tools",
		Long: `sim runs the stand-in of the HIMSA IdP and Noah API on 127.0.0.1 for the two
environments the demo serves — production (global, eu, us, au) and QA (global, eu),
each with its own issuers, keys and accounts — and prints their issuers, API base
URLs, client IDs and demo accounts, until interrupted.`,
		Example: `  ssodesk sim
  ssodesk sim --port-base 7400   # production's global IdP on 7400, its API on 7401, eu on 7402, ...; QA's from 7408`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.BasePort < 0 || o.BasePort > 65000 {
				return usageError{fmt.Errorf("--port-base must be 0 (random) or 1..65000, got %d", o.BasePort)}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			sims, stopSims, err := startStandIns(ctx, o)
			if err != nil {
				return fmt.Errorf("cannot start the stand-in: %w", err)
			}
			defer stopSims()
			printStandIns(cmd.OutOrStdout(), sims, o)
			<-ctx.Done()
			fmt.Fprintln(cmd.OutOrStdout(), "\nstopped")
			return nil
		},
	}
	cmd.Flags().IntVar(&o.BasePort, "port-base", 0, "first port (IdP and API of each endpoint take consecutive ports; QA's follow production's eight); 0 = random")
	addIssuerModeFlag(cmd, &o)
	cmd.AddCommand(newSimBrowseCmd())
	return cmd
}

// standInEnvs are the environments the demo and `ssodesk sim` serve, each
// with its endpoints (HIMSA: production and QA are separate deployments).
var standInEnvs = []struct {
	env     string
	regions []string
}{{sim.EnvProduction, []string{sim.GlobalRegion, "eu", "us", "au"}}, {sim.EnvQA, []string{sim.GlobalRegion, "eu"}}}

// startStandIns starts a stand-in of each environment of standInEnvs with
// o (with --port-base, production's endpoints take 8 ports from it, QA's
// the next ones).
func startStandIns(ctx context.Context, o sim.Options) ([]*sim.Sim, func(), error) {
	var sims []*sim.Sim
	stop := func() {
		for _, s := range sims {
			s.Close()
		}
	}
	for i, e := range standInEnvs {
		so := o
		so.Environment, so.Regions = e.env, e.regions
		if o.BasePort != 0 {
			so.BasePort = o.BasePort + 8*i // production's four endpoints take 8 ports
		}
		s, err := sim.Start(ctx, so)
		if err != nil {
			stop()
			return nil, nil, err
		}
		sims = append(sims, s)
	}
	return sims, stop, nil
}

// printStandIns lists each stand-in's endpoints, the clients and the demo
// accounts, each under its environment.
func printStandIns(out io.Writer, sims []*sim.Sim, o sim.Options) {
	fmt.Fprintln(out, "HIMSA stand-in running on 127.0.0.1 (ctrl+c to stop)")
	fmt.Fprintf(out, "\n%-11s %-8s %-28s %s\n", "ENVIRONMENT", "REGION", "ISSUER", "API (the api claim)")
	for _, s := range sims {
		for _, r := range s.Regions() {
			fmt.Fprintf(out, "%-11s %-8s %-28s %s\n", s.Environment(), r.Name, r.Issuer, r.API)
		}
	}
	id, secret := sims[0].ServiceClient()
	fmt.Fprintf(out, "\nPKCE client:        %s (public; redirect URIs %s, any port)\n", sims[0].ClientID(), strings.Join(sims[0].RedirectURIs(), " "))
	fmt.Fprintf(out, "global exchange:    tokens for a regional code are issued by the %s issuer\n", cmp.Or(o.GlobalExchangeIssuer, sim.IssuerGlobal))
	fmt.Fprintf(out, "service client:     %s / secret %s (client credentials; a demo secret)\n", id, secret)
	fmt.Fprintln(out, "each environment has its own issuers, keys and accounts: a code or token of one is unknown to the other")
	fmt.Fprintf(out, "\n%-11s %-6s %-42s %s\n", "ENVIRONMENT", "REGION", "ACCOUNT", "TENANT")
	for _, s := range sims {
		for _, a := range s.Accounts() {
			fmt.Fprintf(out, "%-11s %-6s %-42s %s\n", s.Environment(), a.Region, a.Email, a.TenantName)
		}
	}
}

// newSimBrowseCmd is a scripted browser for the stand-in, usable as
// $BROWSER: it picks an account on the login page and follows the redirect.
func newSimBrowseCmd() *cobra.Command {
	var account, addressBar string
	var cancel bool
	cmd := &cobra.Command{
		Use:   "browse URL",
		Short: "A scripted browser for the stand-in's login page (use it as $BROWSER)",
		Long: `browse opens an authorize URL of the stand-in, picks the account (by e-mail or ID;
the first one when --account is empty) or presses Cancel, and follows the redirect to
the app's loopback listener, like a person in a browser would.`,
		Example: `  BROWSER="ssodesk sim browse --account emily.carter@clearviewhearing.com" ssodesk login --json`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b := sim.NewBrowser()
			var status int
			var err error
			if cancel {
				status, _, err = b.Cancel(cmd.Context(), args[0])
			} else {
				status, _, err = b.Login(cmd.Context(), args[0], account)
			}
			if err != nil {
				return err
			}
			if addressBar != "" && b.AddressBar() != "" {
				if err := os.WriteFile(addressBar, []byte(b.AddressBar()+"\n"), 0o600); err != nil {
					return err
				}
			}
			if status >= 400 {
				return fmt.Errorf("the final page answered %d", status)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addressBar, "address-bar", "", "when the IdP sends the browser off this machine (another app's redirect URI, not followed), write that URL to this file")
	cmd.Flags().StringVar(&account, "account", "", "the demo account to pick (e-mail or ID); empty = the first listed")
	cmd.Flags().BoolVar(&cancel, "cancel", false, "press Cancel instead")
	return cmd
}
