package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"slices"

	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/sim"
	"ssodesk/ui"
)

type demoOptions struct {
	autoAccount  string      // log in as this demo account without a browser
	sim          sim.Options // the stand-in's (--global-exchange-issuer)
	confidential bool        // log in as the stand-in's client with a secret per endpoint
}

func newDemoCmd(g *globalFlags) *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the TUI offline against a built-in stand-in of the HIMSA IdP and API",
		Long: `demo starts a stand-in of the HIMSA IdP and Noah API on 127.0.0.1 for two
environments — production (global, eu, us, au) and QA (global, eu), each with its own
issuers, keys and accounts — and opens the TUI against it. Nothing leaves this machine.
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
	cmd.Flags().BoolVar(&o.confidential, "confidential", false, "log in as the stand-in's confidential client, which has a different secret per endpoint (HIMSA's advice)")
	cmd.Flags().StringVar(&o.autoAccount, "auto-account", "", "instead of opening a browser, log in as this demo account (ID or e-mail; \"first\" = the first listed)")
	addIssuerModeFlag(cmd, &o.sim)
	return cmd
}

// runDemo starts the stand-in and runs the TUI against it.
func runDemo(cmd *cobra.Command, g *globalFlags, base *config.Config, o demoOptions) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	envs, stopSims, err := startDemoSims(ctx, o.sim, o.confidential)
	if err != nil {
		return fmt.Errorf("cannot start the stand-in IdP: %w", err)
	}
	defer stopSims()
	clientID := sim.DefaultClientID
	if o.confidential {
		clientID = sim.DefaultConfidentialClientID
	}
	com, svc, err := demoTUI(base.ForDemo(clientID, envs...), o.autoAccount)
	if err != nil {
		return usageError{err}
	}
	return runProgram(g, com, svc, "")
}

// demoTUI wires the TUI for the demo config cfg (see config.ForDemo: a
// configured store becomes memory, so the user's sessions are never read or
// written); with autoAccount, logins go through the stand-in's scripted
// browser instead of a real one.
func demoTUI(cfg *config.Config, autoAccount string) (*ui.Common, *ui.Services, error) {
	var open auth.Opener
	if autoAccount != "" {
		open = sim.NewBrowser().Opener(autoAccount)
	}
	com, svc, err := newTUI(cfg, open)
	if err != nil {
		return nil, nil, err
	}
	com.Demo = true
	return com, svc, nil
}

// startDemoSims starts a stand-in of each HIMSA environment the demo serves
// — production (global, eu, us, au) and QA (global, eu), each with its own
// issuers and keys — and returns them as config environments, labelled
// after what they stand in for.
//
// With confidential, every endpoint carries the stand-in confidential
// client's secret of that endpoint.
func startDemoSims(ctx context.Context, o sim.Options, confidential bool) ([]config.Environment, func(), error) {
	sims, stop, err := startStandIns(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	var envs []config.Environment
	real := config.BuiltinEnvironments()
	for i, s := range sims {
		e := demoEnvironment(s, real[i])
		if confidential {
			_, secrets := s.ConfidentialClient()
			for k, r := range e.Endpoints {
				e.Endpoints[k].ClientSecret = secrets[r.Name]
				e.Endpoints[k].SecretKey = "the stand-in's secret of " + e.Name + " " + r.Name
			}
		}
		envs = append(envs, e)
	}
	return envs, stop, nil
}

// demoEnvironment is the stand-in s as a config environment, labelled after
// the real one.
func demoEnvironment(s *sim.Sim, real config.Environment) config.Environment {
	e := config.Environment{Name: real.Name, Label: real.Title() + " (stand-in)"}
	for _, r := range s.Regions() {
		label := "stand-in"
		if i := slices.IndexFunc(real.Endpoints, func(b config.Region) bool { return b.Name == r.Name }); i >= 0 {
			label = real.Endpoints[i].Label + ", stand-in"
		}
		e.Endpoints = append(e.Endpoints, config.Region{Name: r.Name, Label: label, Issuer: r.Issuer, Global: r.Name == sim.GlobalRegion})
	}
	return e
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
