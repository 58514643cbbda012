package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"ssodesk/safe"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/loginjson"
	"ssodesk/session"
)

func newDecodeCmd(g *globalFlags) *cobra.Command {
	var verify, asJSON bool
	cmd := &cobra.Command{
		Use:   "decode [TOKEN | -]",
		Short: "Decode a JWT (header, claims, times in words); --verify checks it against a region's keys",
		Long: `decode shows any JWT as the inspector does: header, every claim with a short label,
times as local and relative time. The token comes from the argument, or from stdin
with "-" (or when stdin is not a terminal). "Bearer " in front is ignored.

--verify checks it against the issuers of --env's environment (its global endpoint and
regions: HIMSA's global endpoint hands a login to its own regions only), with the keys
(JWKS) of the issuer the token names, and the environment's client ID as audience, when
one is set; every check spelled out. A token of another environment fails, naming
both. With --region, the token is expected from that endpoint: another issuer of the
environment is a warning (none for --region global). Exit code 1 when the token does
not decode or a check fails.`,
		Example: `  ssodesk decode eyJhbGciOi…
  ssodesk token | ssodesk decode --verify --region eu
  pbpaste | ssodesk decode - --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := readToken(cmd.InOrStdin(), args)
			if err != nil {
				return err
			}
			now := time.Now()
			if msg := explain.TokenNotDecoded(raw); msg != "" {
				return errors.New(msg)
			}
			v := loginjson.DecodeToken(raw, now)
			var rep *auth.Report
			if verify {
				env, err := g.newEnv(cmd)
				if err != nil {
					return err
				}
				rep = verifyDecoded(cmd.Context(), env, raw, cmd.Flags().Changed("region"))
				v.Verification = loginjson.VerificationOf(rep)
			}
			// Buffered: a token of 34,000 claims is 34,000 lines, and a write
			// (and a pass of the safe writer) a line cost more than the decoding.
			out := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			err = show(out, asJSON, v, func(w io.Writer) { printDecoded(w, v, rep, now) })
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			if rep != nil && !rep.OK() {
				return errors.New("verification failed: " + rep.Failures())
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&verify, "verify", false, "verify against --env's issuers (and --region's, when given)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// readToken takes the token from args or stdin.
func readToken(stdin io.Reader, args []string) (string, error) {
	var raw string
	switch {
	case len(args) == 1 && args[0] != "-":
		raw = args[0]
	case len(args) == 0 && isTerminal(stdin):
		return "", usageError{errors.New("give a token as the argument, or pipe one in (ssodesk decode -)")}
	default:
		b, err := io.ReadAll(io.LimitReader(stdin, 16<<20))
		if err != nil {
			return "", fmt.Errorf("reading the token from stdin: %w", err)
		}
		raw = string(b)
	}
	raw = auth.TrimPastedToken(raw) // "Bearer …", a whole Authorization header line
	if raw == "" {
		return "", usageError{errors.New("the token is empty")}
	}
	return raw, nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func printDecoded(w io.Writer, v *loginjson.Token, rep *auth.Report, now time.Time) {
	var hdr []string
	for _, k := range []string{"alg", "kid", "typ"} {
		if x, ok := v.Header[k]; ok {
			hdr = append(hdr, fmt.Sprintf("%s %v", k, x))
		}
	}
	fmt.Fprintf(w, "JWT, %d bytes\nheader   %s\n\nclaims\n", v.Bytes, safe.Printable(strings.Join(hdr, " · ")))
	names := make([]string, 0, len(v.Claims))
	width := 8
	for k := range v.Claims {
		names = append(names, k)
		width = max(width, min(len(k), 20))
	}
	sort.Strings(names)
	for _, k := range names {
		line := fmt.Sprintf("  %-*s %s", width, safe.Printable(k), explain.ClaimText(k, v.Claims[k], now))
		if label := explain.ClaimLabel(k); label != "" {
			line += "   (" + label + ")"
		}
		fmt.Fprintln(w, line)
	}
	if rep == nil {
		return
	}
	fmt.Fprintln(w, "\nverification")
	for _, c := range rep.Checks {
		fmt.Fprintf(w, "  %s %-11s %s\n", c.Status.Mark(), c.Name, safe.Printable(explain.CheckDetail(c.Detail, c.At, now)))
	}
}

// verifyDecoded verifies raw as the TUI verifies a pasted token
// (session.Manager.VerifyToken), against env's environment; with --region
// (regionGiven) the token is expected from that endpoint.
func verifyDecoded(ctx context.Context, env *runEnv, raw string, regionGiven bool) *auth.Report {
	var endpoint *config.Region
	if regionGiven {
		endpoint = &env.region
	}
	return session.New(env.cfg, env.client, nil).VerifyToken(ctx, raw, endpoint)
}
