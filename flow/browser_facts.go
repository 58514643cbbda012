package flow

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/safe"
)

func itoa(n int) string { return strconv.Itoa(n) }

// claimTime is a NumericDate claim (zero when absent or not a number).
func claimTime(claims map[string]any, name string) time.Time {
	var v float64
	switch n := claims[name].(type) {
	case float64:
		v = n
	case json.Number:
		v, _ = n.Float64()
	}
	if v > 0 && v < 1e11 {
		return time.Unix(int64(v), 0)
	}
	return time.Time{}
}

// scopesOf is a scope claim: a space-separated string or a list.
func scopesOf(v any) []string {
	switch s := v.(type) {
	case string:
		return strings.Fields(s)
	case []any:
		var out []string
		for _, e := range s {
			if str, ok := e.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// judgeIDToken: the ID token's issuer, and whether it was valid when it
// arrived (by the browser's clock); an access token used after its expiry.
func (l *Login) judgeIDToken() {
	for _, t := range l.Tokens {
		if t.Kind != "id_token" && t.Kind != "access_token" {
			continue
		}
		_, jwt, _ := auth.ClassifyToken(t.Raw)
		if jwt == nil {
			continue
		}
		if t.Kind == "id_token" && l.Issuer == "" {
			l.Issuer = safe.Printable(jwt.ClaimString("iss"))
		}
		got := t.Where.Start.Add(t.Where.Duration)
		if iat := claimTime(jwt.Claims, "iat"); !iat.IsZero() && iat.Sub(got) > l.leeway {
			l.find(l.stepOf(t.Where), Warning, explain.HARTokenTime(kindWord(t.Kind), false, iat.Sub(got)),
				explain.HARTokenTimeCause(false), explain.HARTokenTimeFix(false))
		}
		if t.Kind == "access_token" {
			l.judgeExpiredUse(t.Raw, claimTime(jwt.Claims, "exp"))
		}
	}
}

// judgeExpiredUse: an API call or userinfo with the access token after
// its expiry (beyond the leeway).
func (l *Login) judgeExpiredUse(raw string, exp time.Time) {
	if exp.IsZero() {
		return
	}
	for i, s := range l.Steps {
		x := s.Exchanges[0]
		if (s.Kind == API || s.Kind == UserInfo) && bearerOf(x) == raw && x.Start.Sub(exp) > l.leeway {
			l.find(i, Warning, explain.HARTokenTime("access token", true, x.Start.Sub(exp)), explain.HARTokenTimeCause(true), explain.HARTokenTimeFix(true))
			return
		}
	}
}

func kindWord(kind string) string { return strings.ReplaceAll(kind, "_", " ") }

// stepOf is the index of the step holding x (0 when none does).
func (l *Login) stepOf(x *Exchange) int {
	for i, s := range l.Steps {
		for _, y := range s.Exchanges {
			if y == x {
				return i
			}
		}
	}
	return 0
}

// judgeClock: the browser's clock (the HAR's times) against the IdP's
// Date headers, beyond the leeway.
func (l *Login) judgeClock() {
	for i := len(l.Steps) - 1; i >= 0; i-- {
		x := l.Steps[i].Exchanges[0]
		if origin(x.URL) != l.IdP {
			continue
		}
		if skew, ok := x.Skew(); ok {
			if skew.Abs() > l.leeway {
				l.find(i, Warning, explain.HARClock(skew, l.leeway), explain.HARClockCause, explain.HARClockFix)
			}
			return
		}
	}
}

// SensitiveDataNote says, once per file, that a HAR was exported without
// sensitive data (no cookies, no Authorization header anywhere) and what
// it cannot show; false when it has some, or holds no exchange.
func SensitiveDataNote(xs []*Exchange) (Finding, bool) {
	if len(xs) == 0 {
		return Finding{}, false
	}
	for _, x := range xs {
		for _, h := range []string{"Cookie", "Authorization"} {
			if x.RequestHeader.Get(h) != "" {
				return Finding{}, false
			}
		}
		if x.ResponseHeader.Get("Set-Cookie") != "" {
			return Finding{}, false
		}
	}
	text := explain.HARNoSensitiveMaybe
	if slices.ContainsFunc(xs, wouldCarrySecrets) {
		text = explain.HARNoSensitive
	}
	return Finding{Severity: Note, Text: text, Cause: explain.HARNoSensitiveCause, Fix: explain.HARNoSensitiveFix}, true
}

// wouldCarrySecrets: in an export with sensitive data, x would show a
// cookie or an Authorization header — a login form posted and answered
// with a redirect on to /authorize/callback (a login: the IdP's session
// cookie), a UserInfo call (the bearer token). Without such an exchange a HAR with none may simply be of a
// login that never got that far (an error page, no session).
func wouldCarrySecrets(x *Exchange) bool {
	path := strings.ToLower(strings.TrimSuffix(x.URL.Path, "/"))
	switch {
	case x.Method == http.MethodPost && x.Status >= 300 && x.Status < 400 && strings.Contains(strings.ToLower(x.Location), "/authorize/callback"):
		return true
	case x.Method == http.MethodGet && x.Status != 0 && strings.HasSuffix(path, "/userinfo"):
		return true
	}
	return false
}

// Story is the region story's facts of l (false when the HAR shows no
// code: there is no story to tell).
func (l *Login) Story() (explain.Story, bool) {
	if l.Token("code") == "" {
		return explain.Story{}, false
	}
	env := l.envEndpoints()
	s := explain.Story{Chosen: cmpOr(l.Endpoint.Name, l.IdP), Code: l.CodeRegion, Global: l.Endpoint.IsGlobal(), Env: explain.EnvName(l.Endpoint.Env), App: true}
	if r, ok := config.EndpointForCode(env, l.CodeRegion); ok {
		s.CodeEndpoint = r.Name
	} else {
		s.CodeUnserved = l.CodeRegion != "" && l.Endpoint.Name != ""
	}
	s.NoExchange = l.index(CodeExchange) < 0 && l.Token("id_token") == ""
	if i := l.index(CodeExchange); i >= 0 {
		if r, ok := endpointOf(l.Steps[i].Exchanges[0].URL, env); ok {
			s.Exchanged = r.Name
		}
	}
	for _, r := range env {
		if l.Issuer != "" && strings.TrimSuffix(r.Issuer, "/") == strings.TrimSuffix(l.Issuer, "/") {
			s.IssuerRegion = r.Name
		}
	}
	if _, t, _ := auth.ClassifyToken(l.Token("id_token")); t != nil {
		s.ClaimRegion = safe.Printable(t.ClaimString("region"))
		s.HasAPI = t.ClaimString("api") != ""
	}
	return s, true
}

// RegionStory is l's region story in explain's words ("" without a code).
func (l *Login) RegionStory() string {
	s, ok := l.Story()
	if !ok {
		return ""
	}
	return safe.Printable(explain.RegionStory(s))
}

// envEndpoints are the configured endpoints of l's environment.
func (l *Login) envEndpoints() []config.Region {
	if l.Endpoint.Name == "" {
		return nil
	}
	var out []config.Region
	for _, r := range l.endpoints {
		if r.Env == l.Endpoint.Env {
			out = append(out, r)
		}
	}
	return out
}
