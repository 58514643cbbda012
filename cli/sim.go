package cli

import (
	"fmt"
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
		Long: `sim runs the multi-region stand-in of the HIMSA IdP and Noah API on 127.0.0.1 and
prints its issuers, API base URLs, client IDs and demo accounts, until interrupted.`,
		Example: `  ssodesk sim
  ssodesk sim --port-base 7400   # global IdP on 7400, its API on 7401, eu on 7402, ...`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.BasePort < 0 || o.BasePort > 65000 {
				return usageError{fmt.Errorf("--port-base must be 0 (random) or 1..65000, got %d", o.BasePort)}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			s, err := sim.Start(ctx, o)
			if err != nil {
				return fmt.Errorf("cannot start the stand-in: %w", err)
			}
			defer s.Close()
			out := cmd.OutOrStdout()
			fmt.Fprintln(out, "HIMSA stand-in running on 127.0.0.1 (ctrl+c to stop)")
			fmt.Fprintf(out, "\n%-8s %-28s %s\n", "REGION", "ISSUER", "API (the api claim)")
			for _, r := range s.Regions() {
				fmt.Fprintf(out, "%-8s %-28s %s\n", r.Name, r.Issuer, r.API)
			}
			id, secret := s.ServiceClient()
			fmt.Fprintf(out, "\nPKCE client:        %s (public; redirect URIs %s, any port)\n", s.ClientID(), strings.Join(s.RedirectURIs(), " "))
			fmt.Fprintf(out, "global exchange:    tokens for a regional code are issued by the %s issuer\n", o.GlobalExchangeIssuer)
			fmt.Fprintf(out, "service client:     %s / secret %s (client credentials; a demo secret)\n", id, secret)
			fmt.Fprintf(out, "\n%-6s %-42s %s\n", "REGION", "ACCOUNT", "TENANT")
			for _, a := range s.Accounts() {
				fmt.Fprintf(out, "%-6s %-42s %s\n", a.Region, a.Email, a.TenantName)
			}
			<-ctx.Done()
			fmt.Fprintln(out, "\nstopped")
			return nil
		},
	}
	cmd.Flags().IntVar(&o.BasePort, "port-base", 0, "first port (IdP and API of each region take consecutive ports); 0 = random")
	addIssuerModeFlag(cmd, &o)
	cmd.AddCommand(newSimBrowseCmd())
	return cmd
}

// newSimBrowseCmd is a scripted browser for the stand-in, usable as
// $BROWSER: it picks an account on the login page and follows the redirect.
func newSimBrowseCmd() *cobra.Command {
	var account string
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
			if status >= 400 {
				return fmt.Errorf("the final page answered %d", status)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&account, "account", "", "the demo account to pick (e-mail or ID); empty = the first listed")
	cmd.Flags().BoolVar(&cancel, "cancel", false, "press Cancel instead")
	return cmd
}
