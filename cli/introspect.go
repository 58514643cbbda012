package cli

import (
	"errors"
	"fmt"
	"io"
	"ssodesk/safe"
	"time"

	"github.com/spf13/cobra"

	"ssodesk/explain"
)

func newIntrospectCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "introspect [TOKEN | -]",
		Short: "Ask the IdP whether an access token is active (RFC 7662): scope, client, subject, expiry",
		Long: `introspect asks the introspection endpoint of --region's IdP about TOKEN (or the one
piped in with -; without either, the kept session's access token). IdentityServer lets the API
resource introspect, not the client: set introspection.resource and introspection.secret_file
(the API's name and secret, from HIMSA). Exit code 1 when the token is not active.
Useful for opaque (reference) access tokens, which cannot be decoded.`,
		Example: `  ssodesk introspect
  ssodesk token | ssodesk introspect - --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *runEnv, args []string) error {
			m, err := env.sessions(true)
			if err != nil {
				return err
			}
			token := ""
			if len(args) == 1 {
				if token, err = readToken(env.stdin, args); err != nil {
					return err
				}
			} else {
				res, err := m.Kept(cmd.Context(), env.region)
				if err != nil {
					return err
				}
				token = res.Token.AccessToken
			}
			in, err := m.IntrospectToken(cmd.Context(), env.region, token)
			if err != nil {
				return err
			}
			doc := map[string]any{"active": in.Active, "scope": in.Scope, "client_id": in.ClientID, "sub": in.Subject}
			if !in.Expiry.IsZero() {
				doc["exp"], doc["exp_unix"] = in.Expiry.UTC().Format(time.RFC3339), in.Expiry.Unix()
			}
			if err := show(env.stdout, asJSON, doc, func(w io.Writer) {
				fmt.Fprintf(w, "active     %s\n", explain.If(in.Active, "yes", "no: the IdP does not accept it (expired, revoked, or unknown)"))
				for _, kv := range [][2]string{{"scope", in.Scope}, {"client_id", in.ClientID}, {"sub", in.Subject}} {
					if kv[1] != "" {
						fmt.Fprintf(w, "%-10s %s\n", kv[0], safe.Printable(kv[1]))
					}
				}
				if !in.Expiry.IsZero() {
					fmt.Fprintf(w, "exp        %s\n", explain.LocalTime(in.Expiry, time.Now()))
				}
			}); err != nil {
				return err
			}
			if !in.Active {
				return errors.New("the token is not active")
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
