package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newTokenCmd(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "token",
		Short: "Print the stored access token (refreshed first when it is about to expire)",
		Long: `token prints the access token of the session kept by "ssodesk login --save" (or
with config store: file|keyring) for the region, for use in scripts. When it expires
within its refresh margin (a minute, or a fifth of its lifetime when that is shorter:
8 s for a token of 40 s) and a refresh token exists, it is refreshed (and kept) first.
When the refresh fails (the refresh token was revoked, say) but the access token is
still valid, it is printed with a warning on stderr saying until when; exit code 1
once it has expired.`,
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
	var f logoutFlags
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Log out at the IdP (revoke, end its session) and delete the kept session (of --region, or all of this client)",
		Long: `logout ends the kept session of --region, or every kept session of the environment's
client, at the IdP and here:
  - revokes the refresh token (and a reference access token) at the revocation endpoint
    (RFC 7009); IdentityServer answers 200 even for a token it does not know, so --verify
    proves it by trying the refresh token afterwards (it must be refused: invalid_grant);
  - opens the end-session endpoint in the browser with id_token_hint and state, so the
    IdP's browser session ends too (the next login shows its login page again); with
    post_logout_redirect_uri (loopback, registered for the client) ssodesk waits for the
    IdP to send the browser back and checks the state;
  - deletes the kept session.
Each step is printed ✓ done, ✗ failed, – not done (with the reason), ! not confirmed.
--local only deletes the kept session.`,
		Example: `  ssodesk logout --region eu --verify
  ssodesk logout --env qa
  ssodesk logout --local`,
		Args: noArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *runEnv, _ []string) error {
			return logout(cmd.Context(), env, cmd.Flags().Changed("region"), f)
		}),
	}
	cmd.Flags().BoolVar(&f.local, "local", false, "only delete the kept session; send nothing to the IdP")
	cmd.Flags().BoolVar(&f.verify, "verify", false, "after revoking, try the refresh token: it must be refused")
	return cmd
}
