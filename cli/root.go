// Package cli holds ssodesk's cobra commands. They parse flags, wire the
// packages together and print; the work is done elsewhere.
package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"ssodesk/explain"
	"ssodesk/safe"

	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/config"
)

// Exit codes (documented in README.md).
const (
	exitOK     = 0
	exitFailed = 1 // the flow failed: IdP said no, verification failed, ...
	exitUsage  = 2 // bad usage or config
)

// usageError marks a command-line mistake (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// noArgs refuses positional arguments as a usage error (exit 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("unknown command or argument %q for %q; see %s --help", args[0], cmd.CommandPath(), cmd.CommandPath())}
	}
	return nil
}

// Execute runs ssodesk with args (without the program name), prints an
// error to stderr and returns the exit code: 0 ok, 1 the flow failed, 2 bad
// usage or config.
//
// Everything it prints goes through safe.Writer: no text from outside (an
// IdP's error, a claim, an API body) reaches the terminal raw.
func Execute(args []string) int {
	g := &globalFlags{}
	root := newRoot(g)
	stderr := safe.Writer(os.Stderr)
	root.SetOut(safe.Writer(os.Stdout))
	root.SetErr(stderr)
	root.SetArgs(args)
	err := root.Execute()
	g.closeLog()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "ssodesk:", explain.Error(err))
	var ce *config.Error
	var ue usageError
	if errors.As(err, &ce) || errors.As(err, &ue) || errors.Is(err, auth.ErrNoClientID) { // no client ID: a config error too
		return exitUsage
	}
	return exitFailed
}

func newRootCmd() *cobra.Command { return newRoot(&globalFlags{}) }

func newRoot(g *globalFlags) *cobra.Command {
	root := &cobra.Command{
		Use:   "ssodesk",
		Short: "Log in to HIMSA SSO and see exactly what happened",
		Long: `ssodesk logs in to the HIMSA SSO identity provider (global or a forced region) with
Authorization Code + PKCE in your browser, and shows every step, the verified ID token
and its claims (tenantid, api, the region of the code).

Without a subcommand it opens the terminal UI against the configured HIMSA endpoints.
Try it offline first: ssodesk demo`,
		Example: `  ssodesk demo                      # offline, against the built-in stand-in
  ssodesk --region eu               # the TUI, EU production preselected
  ssodesk config                    # show the effective configuration`,
		Version:           version(),
		SilenceUsage:      true,
		SilenceErrors:     true,
		Args:              noArgs,
		PersistentPreRunE: func(*cobra.Command, []string) error { return g.openLog() },
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := g.loadConfig(cmd)
			if err != nil {
				return err
			}
			return runTUI(cmd, g, cfg)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&g.configFile, "config", "", "config file (default "+config.DefaultFile()+")")
	pf.StringVar(&g.logFile, "log", "", "append diagnostic logs to this file: each login step, the HTTP exchanges (redacted), the stand-in's warnings")
	pf.String("client-id", "", "client ID supplied by HIMSA (config: client_id)")
	pf.String("env", "", "environment: production (the default), qa or a configured one (config: environment)")
	pf.String("region", "", "endpoint of the environment to preselect: global, eu, us, au or a configured one (config: region)")
	pf.String("redirect-uri", "", "redirect URI HIMSA whitelisted: a loopback one ssodesk listens on (port 0 = random), or another app's (login then takes the address-bar URL pasted back) (config: redirect_uri)")
	pf.Bool("offline-access", false, "also ask for offline_access (a refresh token) (config: offline_access)")
	pf.Int("culture-lcid", 0, "Windows culture LCID for the login site, e.g. 1033 en-US, 1030 da-DK (config: culture_lcid)")
	pf.String("exchange-at", "", "where a login exchanges its code: global (the endpoint logged in at) or code-region (the region its prefix names) (config: exchange_at)")
	root.AddCommand(newDemoCmd(g), newSimCmd(), newConfigCmd(g), newLoginCmd(g), newDecodeCmd(g), newCallCmd(g), newHarCmd(g), newDiffCmd(g),
		newRegionsCmd(g), newTokenCmd(g), newLogoutCmd(g), newIntrospectCmd(g), newCheckCmd(g), newReportCmd(), newExplainCmd(g))
	return root
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
