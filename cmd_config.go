package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"ssodesk/config"
)

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
			cfg, err := config.Load(g.configFile, cmd.Flags())
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), cfg.Describe())
			return nil
		},
	}
}
