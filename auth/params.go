package auth

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// AuthorizeParams are a login's optional authorize parameters: OIDC's
// prompt, max_age, login_hint, ui_locales and acr_values (IdentityServer
// reads idp:NAME and tenant:NAME from acr_values), HIMSA's culture-lcid, and
// any other key=value. The zero value sends none of them.
type AuthorizeParams struct {
	Prompt      string // login, select_account, none, consent ("" = not sent)
	MaxAge      *int   // seconds; nil = not sent (0 forces the login page)
	LoginHint   string
	UILocales   string // space-separated BCP 47 tags
	ACRValues   string // space-separated; IdentityServer: idp:NAME, tenant:NAME
	CultureLCID int    // HIMSA culture-lcid; 0 = not sent
	Extra       []Param
}

// Param is one authorize parameter.
type Param struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ReservedParams are the authorize parameters ssodesk sets itself: a
// --param may not set them.
var ReservedParams = []string{"client_id", "redirect_uri", "response_type", "state", "nonce",
	"code_challenge", "code_challenge_method", "scope"}

// ReservedParamError: a --param names a parameter ssodesk sets itself.
type ReservedParamError struct{ Key string }

func (e *ReservedParamError) Error() string {
	return fmt.Sprintf("%s is set by ssodesk itself (from the config and the login's own PKCE, state and nonce); it cannot be set with --param", e.Key)
}

// ParseParam reads "key=value" (the value may be empty; the key may not).
// A key ssodesk sets itself is a *ReservedParamError.
func ParseParam(s string) (Param, error) {
	k, v, ok := strings.Cut(s, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return Param{}, fmt.Errorf("%q is not key=value", s)
	}
	if slices.Contains(ReservedParams, strings.ToLower(k)) || strings.HasPrefix(strings.ToLower(k), "code_challenge") {
		return Param{}, &ReservedParamError{Key: k}
	}
	return Param{Key: k, Value: v}, nil
}

// ErrBadMaxAge: max_age is a number of seconds, 0 or more.
var ErrBadMaxAge = errors.New("max_age must be a whole number of seconds, 0 or more (0 forces the login page)")

// IsZero reports whether p sends nothing.
func (p AuthorizeParams) IsZero() bool {
	return p.Prompt == "" && p.MaxAge == nil && p.LoginHint == "" && p.UILocales == "" && p.ACRValues == "" &&
		p.CultureLCID == 0 && len(p.Extra) == 0
}

// Over is p with the fields of q that are set taking precedence.
func (p AuthorizeParams) Over(q AuthorizeParams) AuthorizeParams {
	p.Prompt = cmp.Or(q.Prompt, p.Prompt)
	if q.MaxAge != nil {
		p.MaxAge = q.MaxAge
	}
	p.LoginHint, p.UILocales, p.ACRValues = cmp.Or(q.LoginHint, p.LoginHint), cmp.Or(q.UILocales, p.UILocales), cmp.Or(q.ACRValues, p.ACRValues)
	p.CultureLCID = cmp.Or(q.CultureLCID, p.CultureLCID)
	if len(q.Extra) > 0 {
		p.Extra = slices.Concat(p.Extra, q.Extra)
	}
	return p
}

// Sent lists the parameters p sends, in the order of the authorize URL's
// documentation (prompt, max_age, login_hint, ui_locales, acr_values,
// culture-lcid, then the others as given).
func (p AuthorizeParams) Sent() []Param {
	var out []Param
	add := func(k, v string) {
		if v != "" {
			out = append(out, Param{Key: k, Value: v})
		}
	}
	add("prompt", p.Prompt)
	if p.MaxAge != nil {
		add("max_age", strconv.Itoa(*p.MaxAge))
	}
	add("login_hint", p.LoginHint)
	add("ui_locales", p.UILocales)
	add("acr_values", p.ACRValues)
	if p.CultureLCID != 0 {
		add("culture-lcid", strconv.Itoa(p.CultureLCID))
	}
	return append(out, p.Extra...)
}

// authOptions are p as oauth2 options.
func (p AuthorizeParams) authOptions() []oauth2.AuthCodeOption {
	var out []oauth2.AuthCodeOption
	for _, s := range p.Sent() {
		out = append(out, oauth2.SetAuthURLParam(s.Key, s.Value))
	}
	return out
}

// ACRHint is the value of acr_values' prefix: form ("tenant:" → the
// tenant asked for); "" when not sent.
func (p AuthorizeParams) ACRHint(prefix string) string {
	for _, v := range strings.Fields(p.ACRValues) {
		if rest, ok := strings.CutPrefix(v, prefix); ok {
			return rest
		}
	}
	return ""
}

// ParamSupport is what discovery says of one sent parameter's values
// (prompt, acr_values, ui_locales), read before the browser opens.
type ParamSupport struct {
	Param       string   // "prompt"
	Key         string   // the discovery key: "prompt_values_supported"
	Values      []string // the values sent
	Listed      bool     // discovery has Key
	Supported   []string // what discovery lists under Key
	Unsupported []string // the values sent that it does not list
}

// paramSupport checks p's prompt, acr_values and ui_locales against
// provider's discovery document (one entry per parameter sent).
func paramSupport(p AuthorizeParams, provider *oidc.Provider) []ParamSupport {
	var d struct {
		Prompt    []string `json:"prompt_values_supported"`
		ACR       []string `json:"acr_values_supported"`
		UILocales []string `json:"ui_locales_supported"`
	}
	var raw map[string]any
	if provider != nil {
		_ = provider.Claims(&d)
		_ = provider.Claims(&raw)
	}
	var out []ParamSupport
	for _, c := range []struct {
		param, key, sent string
		listed           []string
	}{
		{"prompt", "prompt_values_supported", p.Prompt, d.Prompt},
		{"acr_values", "acr_values_supported", p.ACRValues, d.ACR},
		{"ui_locales", "ui_locales_supported", p.UILocales, d.UILocales},
	} {
		if strings.TrimSpace(c.sent) == "" {
			continue
		}
		_, listed := raw[c.key]
		s := ParamSupport{Param: c.param, Key: c.key, Values: strings.Fields(c.sent), Listed: listed, Supported: c.listed}
		for _, v := range s.Values {
			if listed && !supports(c.param, c.listed, v) {
				s.Unsupported = append(s.Unsupported, v)
			}
		}
		out = append(out, s)
	}
	return out
}

// supports reports whether listed holds v. acr_values' IdentityServer forms
// (idp:NAME, tenant:NAME) count as listed when their prefix is ("idp:" or
// "tenant:"); a locale's case does not matter.
func supports(param string, listed []string, v string) bool {
	if param == "ui_locales" {
		return slices.ContainsFunc(listed, func(l string) bool { return strings.EqualFold(l, v) })
	}
	if slices.Contains(listed, v) {
		return true
	}
	if i := strings.Index(v, ":"); param == "acr_values" && i > 0 {
		return slices.Contains(listed, v[:i+1])
	}
	return false
}

// ParamFacts are what a login's authorize parameters did: what was sent,
// what discovery said of them before the browser opened, and what the ID
// token says after (explain.ParamChecks judges them).
type ParamFacts struct {
	Sent    AuthorizeParams
	Support []ParamSupport
	Started time.Time     // when the login started (this computer's clock)
	Leeway  time.Duration // the clock skew tolerated
	// From the ID token: auth_time (HasAuthTime false when absent), amr,
	// acr, idp and tenantid.
	AuthTime    time.Time
	HasAuthTime bool
	AMR         []string
	ACR, IDP    string
	TenantID    string
	Verified    bool // the ID token verified (its claims can be trusted)
}

// readClaims fills the ID-token facts from claims.
func (f *ParamFacts) readClaims(t *JWT) {
	if t == nil {
		return
	}
	if at, ok, err := t.TimeClaim("auth_time"); ok && err == nil {
		f.AuthTime, f.HasAuthTime = at, true
	}
	switch a := t.Claims["amr"].(type) {
	case []any:
		for _, x := range a {
			if s, ok := x.(string); ok {
				f.AMR = append(f.AMR, s)
			}
		}
	case string:
		f.AMR = []string{a}
	}
	f.ACR, f.IDP, f.TenantID = t.ClaimString("acr"), t.ClaimString("idp"), t.ClaimString("tenantid")
}

// authorizeParams are the parameters o sends: o.Params, with o's Prompt
// and CultureLCID where o.Params sets none.
func (o Options) authorizeParams() AuthorizeParams {
	return AuthorizeParams{Prompt: o.Prompt, CultureLCID: o.CultureLCID}.Over(o.Params)
}

// checkParams checks the sent prompt, acr_values and ui_locales against
// discovery before the browser opens: a value it does not list is a
// warning; one it lists no values for is said not to be checked.
func (l *loginRun) checkParams(provider *oidc.Provider) {
	l.support = paramSupport(l.o.authorizeParams(), provider)
	for i := range l.support {
		s := &l.support[i]
		switch {
		case len(s.Unsupported) > 0:
			l.em.emit(Event{Step: StepWarning, Param: s, Msg: fmt.Sprintf("%s=%s is not among the discovery document's %s (%s)",
				s.Param, strings.Join(s.Unsupported, " "), s.Key, strings.Join(s.Supported, " "))})
		case !s.Listed:
			l.em.emit(Event{Step: StepParams, Param: s, Msg: fmt.Sprintf("%s=%s sent; not checked: discovery has no %s", s.Param, strings.Join(s.Values, " "), s.Key)})
		default:
			l.em.emit(Event{Step: StepParams, Param: s, Msg: fmt.Sprintf("%s=%s sent; discovery lists it in %s", s.Param, strings.Join(s.Values, " "), s.Key)})
		}
	}
}

// paramFacts are the login's parameter facts, with the ID token's claims
// (nil when the login sent none of the parameters).
func (l *loginRun) paramFacts(rep *Report) *ParamFacts {
	sent := l.o.authorizeParams()
	if sent.IsZero() {
		return nil
	}
	f := &ParamFacts{Sent: sent, Support: l.support, Started: l.started, Leeway: l.o.Leeway, Verified: rep.OK()}
	f.readClaims(rep.Token)
	return f
}
