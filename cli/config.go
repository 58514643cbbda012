package cli

// The config: the global flags, loading, the config command that shows
// it, and the runEnv most commands work with.

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/transport"
)

// globalFlags are the flags every command shares.
type globalFlags struct {
	configFile string
	logFile    string
	// The open --log (see openLog): the file, the trace of the command's
	// HTTP exchanges, and the logger it replaced.
	log        *os.File
	trace      *transport.Trace
	prevLogger *slog.Logger
}

// loadConfig reads the config file, the SSODESK_* environment and cmd's
// flags.
// Its warnings (a secret others can read) go to stderr.
func (g *globalFlags) loadConfig(cmd *cobra.Command) (*config.Config, error) {
	cfg, err := config.Load(g.configFile, cmd.Flags())
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "ssodesk: warning: "+w)
	}
	return cfg, nil
}

func newConfigCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Show the effective configuration (secrets masked)",
		Long: `config prints the configuration ssodesk would use: the file it read, then every
setting after SSODESK_* environment variables and flags are applied. The client
secret is never printed, only whether one is set.`,
		Example: `  ssodesk config
  SSODESK_REGION=eu ssodesk config --config ./team.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Shown even when it selects an environment or region it lacks:
			// then the error follows (exit 2).
			cfg, err := config.LoadToShow(g.configFile, cmd.Flags())
			if cfg == nil {
				return err
			}
			for _, w := range cfg.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "ssodesk: warning: "+w)
			}
			fmt.Fprint(cmd.OutOrStdout(), cfg.Describe())
			return err
		},
	}
}

// runEnv is what a command that talks to an IdP or an API works with,
// built once per command by newEnv.
type runEnv struct {
	cfg    *config.Config
	region config.Region // chosen by --region or the config
	client *http.Client  // the one HTTP stack (timeout, CA bundle) for every request
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	said   map[string]bool // warnings already shown on stderr (see progress)
	// logging: --log is open, so the login steps go there too.
	logging bool
}

// newEnv loads the config and its region and builds the HTTP client. A
// config mistake is a *config.Error, a client that cannot be built a
// usageError: both exit 2.
func (g *globalFlags) newEnv(cmd *cobra.Command) (*runEnv, error) {
	cfg, err := g.loadConfig(cmd)
	if err != nil {
		return nil, err
	}
	client, err := auth.HTTPClientFor(cfg, g.trace) // traced only with --log
	if err != nil {
		return nil, usageError{err}
	}
	region, _ := cfg.FindRegion(cfg.Region) // Load checked that it exists
	return &runEnv{cfg: cfg, region: region, client: client,
		stdin: cmd.InOrStdin(), stdout: cmd.OutOrStdout(), stderr: cmd.ErrOrStderr(), said: map[string]bool{}, logging: g.log != nil}, nil
}

// withEnv is a RunE that builds the runEnv, then runs run.
func (g *globalFlags) withEnv(run func(cmd *cobra.Command, env *runEnv, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		env, err := g.newEnv(cmd)
		if err != nil {
			return err
		}
		return run(cmd, env, args)
	}
}
