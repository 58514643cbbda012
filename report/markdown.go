package report

import (
	"fmt"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/explain"
)

// Markdown renders d as one Markdown file (GitHub-flavoured tables) that
// reads well pasted into a ticket or opened in a viewer. Text from outside
// (claims, the IdP's words, URLs) is made printable and escaped, so it
// cannot add markup.
func (d *Document) Markdown() []byte {
	var w mdWriter
	d.mdHeader(&w)
	d.mdOutcome(&w)
	if d.Kind == KindHAR {
		d.mdHAR(&w)
		d.mdNotes(&w)
		return []byte(w.String())
	}
	d.mdTried(&w)
	d.mdSteps(&w)
	d.mdLanding(&w)
	mdVerification(&w, "Verification of the ID token", d.Verification)
	mdVerification(&w, "Verification of the access token", d.AccessVerification)
	d.mdParamChecks(&w)
	d.mdConnection(&w)
	d.mdTokens(&w)
	d.mdUserInfo(&w)
	d.mdAPICalls(&w)
	d.mdEndpointChecks(&w)
	d.mdTrace(&w)
	d.mdNotes(&w)
	return []byte(w.String())
}

func (d *Document) mdNotes(w *mdWriter) {
	if len(d.Notes) > 0 {
		w.heading(2, "Notes")
		for _, n := range d.Notes {
			w.bullet(text(n))
		}
		w.blank()
	}
}

func (d *Document) title() string {
	what := map[string]string{KindLogin: "login", KindCheck: "check", KindSaved: "saved login", KindHAR: "HAR file"}[d.Kind]
	where := d.Tried.Endpoint
	if d.Kind == KindHAR && d.Source != nil {
		where = d.Source.Name
	}
	if env := explain.EnvName(d.Tried.Environment); env != "" && d.Kind != KindCheck && d.Kind != KindHAR {
		where = explain.Endpoint(d.Tried.Environment, where)
	}
	mark := explain.If(d.Outcome.OK, "✓", "✗")
	return fmt.Sprintf("ssodesk report: %s at %s %s %s", what, orDash(where), mark, d.Outcome.Summary)
}

func (d *Document) mdHeader(w *mdWriter) {
	w.heading(1, text(d.title()))
	g := d.Generated
	w.para(fmt.Sprintf("Written by %s %s on %s at %s UTC (%s local).", g.By, text(g.Version), g.OS,
		g.UTC.Format("2006-01-02 15:04:05"), g.Local))
	w.quote(text(explain.ReportNever), text(explain.ReportPII(d.PersonalData == "masked")))
}

func (d *Document) mdOutcome(w *mdWriter) {
	o := d.Outcome
	w.heading(2, "Outcome")
	w.para("**" + text(upperFirst(o.Summary)) + ".**")
	if o.Error == "" && o.Explanation == "" {
		return
	}
	if o.Error != "" {
		w.para("**Error**")
		w.fence(o.Error)
	}
	items := [][2]string{{"What it means", o.Explanation}, {"", o.IdPSaid}, {"Fix", o.Fix}}
	for _, it := range items {
		switch {
		case it[1] == "":
		case it[0] == "":
			w.bullet(text(it[1])) // what the IdP said: it says so itself
		default:
			w.bullet("**" + it[0] + ":** " + text(it[1]))
		}
	}
	w.blank()
}

func (d *Document) mdTried(w *mdWriter) {
	t := d.Tried
	w.heading(2, "What was tried")
	rows := [][]string{
		{"environment", strings.TrimSpace(code(t.Environment) + " " + text(paren(explain.If(t.EnvironmentLabel != t.Environment, t.EnvironmentLabel, ""))))},
		{"endpoint", code(t.Endpoint)}, {"issuer", code(t.Issuer)},
		{"client ID", code(t.ClientID)}, {"client secret", text(t.ClientSecret)},
		{"redirect URI (config)", code(t.RedirectURI)}, {"redirect URI (sent)", code(t.RedirectURISent)},
		{"scopes", code(strings.Join(t.Scopes, " "))}, {"culture-lcid", code(t.CultureLCID)},
		{"forcechoose", explain.If(t.ForceChoose, "yes", "no")}, {"prompt", code(t.Prompt)},
		{"exchange_at", code(t.ExchangeAt)}, {"pre-flight", explain.If(t.Preflight, "on", "off")},
		{"login timeout", text(t.LoginTimeout)}, {"leeway", text(t.Leeway)},
		{"login parameters", code(paramsText(t.Params))},
	}
	if d.Kind == KindSaved {
		rows = append(rows[:4], rows[len(rows)-1]) // the rest is not in a saved document
	}
	w.table([]string{"setting", "value"}, rows)
}

func (d *Document) mdSteps(w *mdWriter) {
	if d.Kind != KindLogin {
		return
	}
	w.heading(2, "Steps")
	if len(d.Steps) == 0 {
		w.para("No login steps were recorded (a kept session, or client credentials).")
	}
	var rows [][]string
	for _, s := range d.Steps {
		took := "–"
		if s.Status != check.Skip {
			took = explain.Elapsed(time.Duration(s.DurationMS) * time.Millisecond)
		}
		rows = append(rows, []string{text(explain.StepLabel(s.Name)), s.Status.Mark(), took, clock(s.At), text(s.Detail)})
	}
	if len(rows) > 0 {
		w.table([]string{"step", "result", "took", "at", "what happened"}, rows)
	}
	if len(d.Warnings) > 0 {
		w.para("**Warnings**")
		for _, m := range d.Warnings {
			w.bullet(text(m))
		}
		w.blank()
	}
}

func (d *Document) mdLanding(w *mdWriter) {
	l := d.Landing
	if l == nil {
		return
	}
	w.heading(2, "Where the login landed")
	if l.Relogin != "" {
		w.para(text(l.Relogin))
	}
	if l.Story != "" {
		w.para(text(l.Story))
	}
	exchanged := strings.TrimSpace(l.ExchangedAt + " " + l.ExchangeEndpoint)
	w.table([]string{"fact", "value"}, [][]string{
		{"endpoint", code(l.Endpoint)}, {"code region", code(l.CodeRegion)}, {"exchanged at", code(exchanged)},
		{"issuer", code(l.Issuer)}, {"issuer's region", code(l.IssuerRegion)}, {"api", code(l.API)},
		{"app host", code(l.AppHost)}, {"tenantid", code(l.TenantID)},
		{"scopes", strings.TrimSpace(code(strings.Join(l.Scopes, " ")) + " " + text(paren(l.ScopesFrom)))},
		{"access token expires", clock(l.Expiry)}, {"refresh token", text(l.RefreshToken)},
	})
}

func mdVerification(w *mdWriter, title string, v *Verification) {
	if v == nil {
		return
	}
	w.heading(2, title)
	verdict := explain.If(v.OK, "✓ verified", "✗ NOT verified")
	w.para(fmt.Sprintf("**%s**: %s. Keys from %s (kid %s).", verdict, text(v.Summary), code(v.JWKS), code(v.KeyID)))
	if v.Keys != "" {
		w.para(text(v.Keys) + ".")
	}
	var rows [][]string
	for _, c := range v.Checks {
		rows = append(rows, []string{text(c.Name), c.Status.Mark(), text(c.Detail)})
	}
	w.table([]string{"check", "result", "detail"}, rows)
}

// mdConnection is the clock and TLS per host.
func (d *Document) mdConnection(w *mdWriter) {
	w.heading(2, "Clock and TLS")
	w.para("**Clock:** " + text(d.Clock.Detail) + explain.If(d.Clock.From != "", " (from "+code(d.Clock.From)+")", "") + ".")
	if len(d.TLS) == 0 {
		return
	}
	var rows [][]string
	for _, h := range d.TLS {
		rows = append(rows, []string{code(h.Host), text(orDash(h.Version)), text(h.Detail)})
	}
	w.table([]string{"host", "TLS", "detail"}, rows)
}

// paramsText is "k=v k=v".
func paramsText(ps []auth.Param) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, p.Key+"="+p.Value)
	}
	return strings.Join(parts, " ")
}

// mdParamChecks: what the login's parameters did.
func (d *Document) mdParamChecks(w *mdWriter) {
	if len(d.ParamChecks) == 0 {
		return
	}
	w.heading(2, "Login parameters")
	var rows [][]string
	for _, c := range d.ParamChecks {
		rows = append(rows, []string{text(c.Name), c.Status.Mark(), text(c.Detail)})
	}
	w.table([]string{"check", "result", "detail"}, rows)
}
