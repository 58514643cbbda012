package ui

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"ssodesk/safe"
	"ssodesk/session"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/explain"
)

// highlighted are the claims support staff look for first.
var highlighted = []string{"tenantid", "api", "region"}

// maxCellValue caps a claim value in a table; the Raw tab and copy give all.
const maxCellValue = 300

// render builds the current tab's content and its selectable rows.
func (m sessionModel) render() (string, []rowRef) {
	if m.found != nil {
		return m.renderFound()
	}
	p := &page{m: m, s: m.com.Styles, now: m.com.Now()}
	switch m.tab {
	case tabSummary:
		p.summary()
	case tabID:
		p.idToken()
	case tabAccess:
		p.accessToken()
	case tabRefresh:
		p.refreshToken()
	case tabUserInfo:
		p.userInfo()
	case tabRaw:
		p.raw()
	}
	return strings.Join(p.lines, "\n"), p.rows
}

// page accumulates a tab's lines.
type page struct {
	m     sessionModel
	s     *Styles
	now   time.Time
	lines []string
	rows  []rowRef
}

func (p *page) add(lines ...string) { p.lines = append(p.lines, lines...) }

// para adds word-wrapped text.
func (p *page) para(st lipgloss.Style, text string) {
	p.add(strings.Split(wrapStyled(st, text, p.m.width), "\n")...)
}

func (p *page) field(label, value string) {
	p.add(p.s.Key.Render(fmt.Sprintf("%-14s", label)) + " " + p.s.Value.Render(value))
}

func (p *page) heading(title string) {
	if len(p.lines) > 0 {
		p.add("")
	}
	p.add(p.s.Title.Render(title))
}

func (p *page) summary() {
	r, s := p.m.res, p.s
	p.field("User", orDash(safe.Printable(r.Claim("name")))+s.Subtle.Render("  sub "+safe.Printable(r.Claim("sub"))))
	tenantName := safe.Printable(r.Claim("tenantname"))
	if tenantName == "" && p.m.info != nil {
		tenantName = safe.Printable(auth.ClaimString(p.m.info.Claims, "tenantname"))
	}
	if tenantName == "" {
		tenantName = s.Subtle.Render("(tenantname: press u to fetch userinfo)")
	}
	p.field("Tenant", s.Highlight.Render(orDash(safe.Printable(r.Claim("tenantid"))))+"  "+tenantName)
	p.field("You chose", explain.Endpoint(r.Region.Env, r.Region.Name)+s.Subtle.Render("  "+r.Region.Issuer))
	p.field("Code prefix", s.Highlight.Render(orDash(r.CodeRegion))+s.Subtle.Render(codeEndpointNote(r)))
	p.field("Exchanged at", p.exchangedAt())
	p.field("ID token iss", r.Issuer+s.Subtle.Render("  ("+cmp.Or(r.IssuerRegion(), "not a configured region")+")"))
	p.field("API host", s.Highlight.Render(orDash(r.APIHost()))+s.Subtle.Render("  api claim "+orDash(safe.Printable(r.Claim("api")))))
	p.field("App host", p.appHost())
	p.add("")
	p.para(s.Text, explain.SessionStory(r))
	if p.m.relogin != nil {
		p.para(s.Subtle, explain.RegionalReloginSession)
	} else if target, err := session.ReloginTarget(p.m.com.Cfg, r); err == nil {
		p.para(s.Subtle, explain.RegionalRelogin(target.Env, target.Name))
	}
	p.add("")
	p.field("Scopes", strings.Join(r.Scopes, " ")+s.Subtle.Render("  ("+r.ScopesFrom+")"))
	if r.Token.RefreshToken != "" {
		p.field("Refresh token", s.OK.Render("issued")+s.Subtle.Render("  (r refreshes)"))
	} else {
		p.field("Refresh token", "none"+s.Subtle.Render("  (see tab 4)"))
	}
	if exp := r.Token.Expiry; !exp.IsZero() {
		st := s.OK
		if exp.Before(p.now) {
			st = s.Error
		}
		p.field("Access token", st.Render("expires "+exp.Local().Format("15:04:05")+" — "+explain.RelTime(exp, p.now)))
	} else {
		p.field("Access token", "no expiry given by the IdP")
	}
	rep := r.Report.At(p.now)
	if c, _ := rep.Check("expiry"); rep.OK() && c.Status == check.Warn {
		p.field("ID token", s.Warn.Render("! "+explain.ExpiredWithinLeeway(c.At, p.now, rep.Leeway))+s.Subtle.Render("  "+rep.Summary()))
	} else if rep.OK() {
		p.field("ID token", s.OK.Render("✓ verified")+s.Subtle.Render("  "+rep.Summary()))
	} else {
		p.field("ID token", s.Error.Render("✗ NOT verified: ")+s.Error.Render(safe.Printable(reportFailures(rep))))
	}
	p.params()
	if lr := p.m.lastRefresh; lr != nil {
		p.heading("Last refresh")
		p.para(s.Text, refreshSummary(lr))
		for _, c := range lr.Changes {
			p.add("  " + s.Key.Render(fmt.Sprintf("%-12s", c.Name)) + " " + changeText(c, p.now))
		}
	}
}

// exchangedAt names the endpoint that exchanged the code.
func (p *page) exchangedAt() string {
	r, s := p.m.res, p.s
	at := r.ExchangedAt
	switch {
	case at.Name == "":
		return "—" + s.Subtle.Render("  (not recorded for a kept session)")
	case at != r.Region:
		return s.Highlight.Render(explain.Endpoint(at.Env, at.Name)) + s.Subtle.Render("  "+at.Issuer+"  (exchange_at: "+config.ExchangeCodeRegion+")")
	}
	return explain.Endpoint(at.Env, at.Name) + s.Subtle.Render("  "+at.Issuer)
}

// appHost is where a web app hosted per region would send this user.
func (p *page) appHost() string {
	r, s := p.m.res, p.s
	switch {
	case r.AppHost != "":
		return s.Highlight.Render(safe.Printable(r.AppHost)) + s.Subtle.Render("  from the code prefix (app_hosts)")
	case r.CodeRegion == "":
		return "—"
	}
	return "—" + s.Subtle.Render("  (set app_hosts to see a regional web app's host)")
}

func reportFailures(r *auth.Report) string {
	if r == nil {
		return "no report"
	}
	return r.Failures()
}

func changeText(c auth.ClaimChange, now time.Time) string {
	if slices.Contains(explain.TimeClaims, c.Name) {
		return fmtTimeText(c.Old, now) + " → " + fmtTimeText(c.New, now)
	}
	return cmp.Or(safe.Printable(c.Old), "(absent)") + " → " + cmp.Or(safe.Printable(c.New), "(absent)")
}

func fmtTimeText(v string, now time.Time) string {
	var n json.Number = json.Number(v)
	if f, err := n.Float64(); err == nil {
		return time.Unix(int64(f), 0).Local().Format("15:04:05")
	}
	return cmp.Or(v, "(absent)")
}

func (p *page) idToken() {
	r := p.m.res
	p.jwtHeader(r.Header)
	p.report("Verification", r.Report.At(p.now)) // judged now: exp turns ✗ on screen at its time
	p.claims("Claims", r.Claims, nil)
}

func (p *page) accessToken() {
	defer p.introspection()
	s, insp := p.s, p.m.insp
	switch {
	case insp == nil:
		p.add(s.Subtle.Render("decoding the access token…"))
	case insp.accessKind == auth.TokenAbsent:
		p.add("No access token.")
	case insp.accessKind == auth.TokenOpaque:
		p.add(s.Title.Render(fmt.Sprintf("Opaque, %d bytes", len(p.m.res.Token.AccessToken))))
		p.para(s.Subtle, explain.OpaqueAccessToken)
	case insp.accessKind == auth.TokenMalformed:
		p.add(s.Warn.Render("Shaped like a JWT, but it does not decode: " + insp.accessErr.Error()))
		p.para(s.Subtle, explain.MalformedAccessToken)
	default:
		p.add(s.Title.Render(fmt.Sprintf("JWT, %d bytes", len(p.m.res.Token.AccessToken))))
		p.jwtHeader(insp.access.Header)
		if insp.accessRep != nil {
			p.report("Verification (against the IdP's keys)", insp.accessRep)
		}
		p.claims("Claims", insp.access.Claims, nil)
	}
}

// introspection is the IdP's word on the access token (RFC 7662), or what
// to do to get it.
func (p *page) introspection() {
	s, in := p.s, p.m.intro
	p.heading("Introspection (the IdP's word)")
	switch {
	case in != nil && in.Active:
		p.field("Active", s.OK.Render("✓ yes"))
	case in != nil:
		p.field("Active", s.Error.Render("✗ no: the IdP does not accept it (expired, revoked or unknown)"))
	case p.m.introErr != "":
		p.para(s.Error, p.m.introErr)
		return
	case !introspectable(p.m.com.Cfg, p.m.res):
		p.para(s.Subtle, "Set introspection.resource and introspection.secret_file (the API resource's name and secret from HIMSA: the API, not the client, introspects), then press i.")
		return
	default:
		p.para(s.Subtle, "Press i to ask the IdP whether it accepts this token (useful for opaque tokens).")
		return
	}
	for _, kv := range [][2]string{{"Scope", in.Scope}, {"Client", in.ClientID}, {"Subject", in.Subject}} {
		if kv[1] != "" {
			p.field(kv[0], safe.Printable(kv[1]))
		}
	}
	if !in.Expiry.IsZero() {
		p.field("Expires", explain.LocalTime(in.Expiry, p.now))
	}
}

func (p *page) refreshToken() {
	r, s := p.m.res, p.s
	rt := r.Token.RefreshToken
	if rt == "" {
		p.add(s.Title.Render("No refresh token was issued"))
		p.para(s.Text, explain.NoRefreshToken(slices.Contains(r.Scopes, config.ScopeOfflineAccess)))
		p.para(s.Subtle, explain.ServiceAppsNoRefresh)
		return
	}
	k, _, _ := auth.ClassifyToken(rt)
	kind := explain.RefreshTokenKind(k == auth.TokenJWT)
	p.add(s.Title.Render(fmt.Sprintf("Present: %d bytes, %s", len(rt), kind)))
	p.field("Value", p.secret(rt))
	p.para(s.Subtle, explain.RefreshTokenPresent)
	if lr := p.m.lastRefresh; lr != nil {
		p.field("Last refresh", explain.If(lr.Rotated, "rotated it (the old one is spent)", "kept it (not rotated)"))
	}
}

func (p *page) userInfo() {
	s := p.s
	if p.m.info == nil {
		p.add(s.Subtle.Render("Press u to fetch userinfo from the issuer's userinfo endpoint (sub, noahuserid, noahroleid, tenantname)."))
		if p.m.infoErrorMsg != "" {
			p.add("")
			p.para(s.Error, "Last attempt failed: "+p.m.infoErrorMsg)
		}
		return
	}
	p.add(s.Subtle.Render("From " + p.m.info.Endpoint))
	p.claims("Claims", p.m.info.Claims, p.m.res.Claims)
}

func (p *page) raw() {
	s, r := p.s, p.m.res
	if p.m.reveal {
		p.add(s.Warn.Render("Tokens shown in full; v masks them."))
	} else {
		p.add(s.Subtle.Render("Tokens are masked; v reveals them, C copies the current one."))
	}
	for _, t := range []struct{ name, raw string }{
		{"ID token", r.RawIDToken}, {"Access token", r.Token.AccessToken}, {"Refresh token", r.Token.RefreshToken},
	} {
		p.heading(fmt.Sprintf("%s (%d bytes)", t.name, len(t.raw)))
		if t.raw == "" {
			p.add(s.Subtle.Render("(none)"))
			continue
		}
		if p.m.reveal {
			p.add(strings.Split(hardWrap(safe.Printable(t.raw), p.m.width), "\n")...)
		} else {
			p.add(explain.Mask(t.raw))
		}
	}
}

// secret shows a token masked unless the user revealed tokens.
func (p *page) secret(raw string) string {
	if p.m.reveal {
		return truncate(safe.Printable(raw), maxCellValue)
	}
	return explain.Mask(raw)
}

func (p *page) jwtHeader(h map[string]any) {
	var parts []string
	for _, k := range []string{"alg", "kid", "typ"} {
		if v, ok := h[k]; ok {
			parts = append(parts, k+" "+safe.Printable(fmt.Sprint(v)))
		}
	}
	p.heading("Header")
	p.add("  " + p.s.Value.Render(strings.Join(parts, " · ")))
}

func (p *page) report(title string, r *auth.Report) {
	s := p.s
	p.heading(title)
	if r == nil {
		p.add(s.Subtle.Render("  not verified"))
		return
	}
	for _, c := range r.Checks {
		line := "  " + s.Status(c.Status).Render(c.Status.Mark()+" "+fmt.Sprintf("%-11s", c.Name)) + " " + s.Text.Render(safe.Printable(explain.CheckDetail(c.Detail, c.At, p.now)))
		p.add(wrapLines(line, p.m.width)...)
	}
}

// claims adds a claims table; each claim is a selectable row. compare, when
// set, adds whether each claim also appears there (UserInfo vs ID token).
func (p *page) claims(title string, claims, compare map[string]any) {
	s := p.s
	p.heading(title)
	names := make([]string, 0, len(claims))
	width := 8
	for k := range claims {
		names = append(names, k)
		width = min(max(width, len(k)), 20)
	}
	sort.Strings(names)
	for _, k := range names {
		value := explain.ClaimText(k, claims[k], p.now)
		cursor, star := " ", "  "
		if len(p.rows) == p.m.cursor {
			cursor = s.Cursor.Render("▸")
		}
		ks, vs := s.Key, s.Value
		if slices.Contains(highlighted, k) {
			star, ks, vs = s.Highlight.Render("★ "), s.Highlight, s.Highlight
		}
		line := cursor + star + ks.Render(fmt.Sprintf("%-*s", width, safe.Printable(k))) + " " + vs.Render(truncate(value, maxCellValue))
		if compare != nil {
			line += "  " + p.alsoIn(k, claims[k], compare)
		}
		if label := explain.ClaimLabel(k); label != "" {
			line += "  " + s.Subtle.Render(label)
		}
		p.rows = append(p.rows, rowRef{line: len(p.lines), name: k, value: explain.ClaimValue(claims[k])})
		p.add(line)
	}
}

// alsoIn says whether a userinfo claim is in the ID token too.
func (p *page) alsoIn(k string, v any, idClaims map[string]any) string {
	other, ok := idClaims[k]
	switch {
	case !ok:
		return p.s.Warn.Render("[only in userinfo]")
	case explain.ClaimValue(other) == explain.ClaimValue(v):
		return p.s.OK.Render("[also in ID token]")
	}
	return p.s.Error.Render("[ID token says " + truncate(safe.Printable(explain.ClaimValue(other)), 40) + "]")
}

func orDash(s string) string { return cmp.Or(s, "—") }

// truncate cuts s to width cells. It looks at no more than width runes, so
// a 1 MB claim costs no more than a short one.
func truncate(s string, width int) string {
	if width <= 0 || len(s) <= width { // a rune takes at least as many bytes as cells
		return s
	}
	end, n := 0, 0
	for end < len(s) && n < width {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
		n++
	}
	if end == len(s) && ansi.StringWidth(s) <= width {
		return s
	}
	cut := s[:end]
	for cut != "" && ansi.StringWidth(cut)+1 > width {
		_, size := utf8.DecodeLastRuneInString(cut)
		cut = cut[:len(cut)-size]
	}
	return cut + "…"
}

// introspectable: the session's environment names an API resource to
// introspect as.
func introspectable(cfg *config.Config, res *auth.Result) bool {
	c, err := cfg.For(res.Region)
	return err == nil && c.Introspection.Resource != ""
}

// codeEndpointNote names the endpoint that serves the code's region when
// it is not named so ("  (the lab-eu endpoint)"), or that none does.
func codeEndpointNote(r *auth.Result) string {
	switch {
	case r.CodeUnserved:
		return "  (no configured endpoint serves it: set region: " + r.CodeRegion + " on the one that does)"
	case r.CodeEndpoint != "" && r.CodeEndpoint != r.CodeRegion:
		return "  (the " + r.CodeEndpoint + " endpoint, region: " + r.CodeRegion + ")"
	}
	return ""
}

// params are the login's OIDC parameters and what the ID token says of
// each (issue 25: a login with parameters, L on the picker).
func (p *page) params() {
	r, s := p.m.res, p.s
	if r.Params == nil {
		return
	}
	p.heading("Login parameters")
	p.para(s.Text, "sent: "+explain.ParamsSent(r.Params.Sent))
	for _, c := range r.ParamChecks {
		p.add("  " + s.Status(c.Status).Render(c.Status.Mark()) + " " + s.Key.Render(fmt.Sprintf("%-12s", c.Name)) + " " + safe.Printable(c.Detail))
	}
}
