package cli

import (
	"fmt"
	"os"
	"os/signal"
	"slices"

	"github.com/spf13/cobra"

	"ssodesk/config"
	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/ui"
)

type demoOptions struct {
	autoAccount string      // log in as this demo account without a browser
	sim         sim.Options // the stand-in's (--global-exchange-issuer)
}

func newDemoCmd(g *globalFlags) *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the TUI offline against a built-in stand-in of the HIMSA IdP and API",
		Long: `demo starts a multi-region stand-in of the HIMSA IdP and Noah API on 127.0.0.1
(global, eu, us, au, qa) and opens the TUI against it. Nothing leaves this machine.
The login page lists demo accounts in several regions and tenants; pick one.

Without a browser on this machine, open the authorize URL shown in the TUI
anywhere that reaches this machine's loopback, or use --auto-account.`,
		Example: `  ssodesk demo
  ssodesk demo --auto-account emily.carter@clearviewhearing.com   # no browser needed
  BROWSER=firefox ssodesk demo`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			return runDemo(cmd, g, cfg, o)
		},
	}
	cmd.Flags().StringVar(&o.autoAccount, "auto-account", "", "instead of opening a browser, log in as this demo account (ID or e-mail; \"first\" = the first listed)")
	addIssuerModeFlag(cmd, &o.sim)
	return cmd
}

// runDemo starts the stand-in and runs the TUI against it.
func runDemo(cmd *cobra.Command, g *globalFlags, base *config.Config, o demoOptions) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	s, err := sim.Start(ctx, o.sim)
	if err != nil {
		return fmt.Errorf("cannot start the stand-in IdP: %w", err)
	}
	defer s.Close()
	com, err := demoCommon(base.ForDemo(simRegions(s), s.ClientID()), o.autoAccount)
	if err != nil {
		return usageError{err}
	}
	return runProgram(g, com)
}

// demoCommon wires the TUI for the demo config cfg (see config.ForDemo: a
// configured store becomes memory, so the user's sessions are never read or
// written); with autoAccount, logins go through the stand-in's scripted
// browser instead of a real one.
func demoCommon(cfg *config.Config, autoAccount string) (*ui.Common, error) {
	com, err := ui.NewCommon(cfg)
	if err != nil {
		return nil, err
	}
	com.Demo = true
	if autoAccount != "" {
		st, err := session.OpenStore(cfg, false)
		if err != nil {
			return nil, err
		}
		com.UseSessions(session.New(cfg, com.HTTP, st), sim.NewBrowser().Opener(autoAccount))
	}
	return com, nil
}

// simRegions turns the stand-in's endpoints into config regions, labelled
// after the HIMSA endpoint each one stands in for.
func simRegions(s *sim.Sim) []config.Region {
	real := config.BuiltinRegions()
	var out []config.Region
	for _, r := range s.Regions() {
		label := "stand-in"
		if i := slices.IndexFunc(real, func(b config.Region) bool { return b.Name == r.Name }); i >= 0 {
			label = real[i].Label + ", stand-in"
		}
		out = append(out, config.Region{Name: r.Name, Label: label, Issuer: r.Issuer})
	}
	return out
}

// addIssuerModeFlag adds --global-exchange-issuer: HIMSA does not say which
// issuer signs the tokens of a regional code exchanged at the global
// endpoint, so the stand-in can do either.
func addIssuerModeFlag(cmd *cobra.Command, o *sim.Options) {
	cmd.Flags().StringVar(&o.GlobalExchangeIssuer, "global-exchange-issuer", sim.IssuerGlobal,
		"who signs the tokens when the global endpoint exchanges a regional code: global or regional")
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if mode := o.GlobalExchangeIssuer; mode != sim.IssuerGlobal && mode != sim.IssuerRegional {
			return usageError{fmt.Errorf("--global-exchange-issuer must be %s or %s, got %q", sim.IssuerGlobal, sim.IssuerRegional, mode)}
		}
		return nil
	}
}
