package cli

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/spf13/pflag"

	"ssodesk/auth"
	"ssodesk/safe"
)

// paramFlags are `login`'s authorize parameters. --ui-locales and
// --acr-values are config keys too (ui_locales, acr_values), so the config
// loader reads them with the file and SSODESK_ variables; --culture-lcid is
// every command's.
type paramFlags struct {
	prompt    string
	maxAge    int
	loginHint string
	params    []string
}

func (p *paramFlags) add(fl *pflag.FlagSet) {
	fl.StringVar(&p.prompt, "prompt", "", "OIDC prompt: login (sign in again), select_account, none (no page; login_required without an SSO session), consent")
	fl.IntVar(&p.maxAge, "max-age", -1, "OIDC max_age in seconds: sign in again when the IdP's session is older (0: always); the ID token's auth_time is checked")
	fl.StringVar(&p.loginHint, "login-hint", "", "OIDC login_hint: the account (e-mail) to pre-select on the login page")
	fl.String("ui-locales", "", "OIDC ui_locales, e.g. da-DK (config: ui_locales)")
	fl.String("acr-values", "", "OIDC acr_values; IdentityServer reads idp:NAME and tenant:NAME (tenantid is checked against tenant:) (config: acr_values)")
	fl.StringArrayVar(&p.params, "param", nil, "any other authorize parameter, key=value (repeatable; not one ssodesk sets itself: client_id, redirect_uri, response_type, state, nonce, code_challenge*, scope)")
}

// parse is the flags as authorize parameters (ui_locales and acr_values
// come from the config); a bad value is a usage error.
func (p paramFlags) parse(fl *pflag.FlagSet) (auth.AuthorizeParams, error) {
	out := auth.AuthorizeParams{Prompt: strings.Join(strings.Fields(p.prompt), " "), LoginHint: strings.TrimSpace(p.loginHint)}
	for name, v := range map[string]string{"--prompt": p.prompt, "--login-hint": p.loginHint} {
		if err := printableParam(name, v); err != nil {
			return out, err
		}
	}
	if fl.Changed("max-age") {
		if p.maxAge < 0 {
			return out, usageError{fmt.Errorf("--max-age %d: %w", p.maxAge, auth.ErrBadMaxAge)}
		}
		n := p.maxAge
		out.MaxAge = &n
	}
	for _, raw := range p.params {
		kv, err := auth.ParseParam(raw)
		if err == nil {
			err = printableParam("--param", raw)
		}
		if err != nil {
			var re *auth.ReservedParamError
			if errors.As(err, &re) {
				return out, usageError{fmt.Errorf("--param %s: %w", safe.Printable(raw), err)}
			}
			return out, usageError{fmt.Errorf("--param: %w", err)}
		}
		out.Extra = append(out.Extra, kv)
	}
	return out, nil
}

// printableParam refuses control characters and over-long values.
func printableParam(flag, v string) error {
	if len(v) > 2000 || strings.ContainsFunc(v, unicode.IsControl) {
		return usageError{fmt.Errorf("%s must be printable text of at most 2000 characters", flag)}
	}
	return nil
}
