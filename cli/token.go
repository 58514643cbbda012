package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newTokenCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "token",
		Short: "Print the stored access token (refreshed first when it expires within a minute)",
		Long: `token prints the access token of the session kept by "ssodesk login --save" (or
with config store: file|keyring) for the region, for use in scripts. When it expires
within a minute and a refresh token exists, it is refreshed (and kept) first.`,
		Example: `  curl -H "Authorization: Bearer $(ssodesk token --region eu)" https://…
  export ACCESS_TOKEN=$(ssodesk token)`,
		Args: noArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *runEnv, _ []string) error {
			res, err := loadStored(cmd.Context(), env)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, res.Token.AccessToken)
			return nil
		}),
	}
}

func newLogoutCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Delete stored sessions (of --region, or all of this client)",
		Args:  noArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *runEnv, _ []string) error {
			return logout(env, cmd.Flags().Changed("region"))
		}),
	}
}
