package report

import (
	"ssodesk/timefmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ssodesk/explain"
)

func (d *Document) mdTokens(w *mdWriter) {
	if len(d.Tokens) > 0 {
		w.heading(2, "Tokens")
		var rows [][]string
		for _, t := range d.Tokens {
			rows = append(rows, []string{text(t.Name), code(t.Text)})
		}
		w.table([]string{"token", "kind, length, fingerprint"}, rows)
	}
	mdClaims(w, "ID token claims", d.IDToken, d.Generated.UTC)
	mdClaims(w, "Access token claims", d.AccessToken, d.Generated.UTC)
}

// mdClaims is a JWT's header on one line and its claims as a table, in the
// words of the session screen (explain.ClaimText, ClaimLabel).
func mdClaims(w *mdWriter, title string, t *Decoded, now time.Time) {
	if t == nil {
		return
	}
	w.heading(2, title)
	var head []string
	for _, k := range sortedKeys(t.Header) {
		head = append(head, k+" "+explain.ClaimValue(t.Header[k]))
	}
	if len(head) > 0 {
		w.para("Header: " + code(strings.Join(head, ", ")))
	}
	claimTable(w, t.Claims, nil, now)
}

// claimTable lists claims: name, value, meaning; also names the claims
// that also are in other (userinfo's claims in the ID token).
func claimTable(w *mdWriter, claims, other map[string]any, now time.Time) {
	var rows [][]string
	for _, k := range sortedKeys(claims) {
		meaning := explain.ClaimLabel(k)
		if _, ok := other[k]; ok {
			meaning = strings.TrimSpace(meaning + " (also in the ID token)")
		}
		rows = append(rows, []string{code(k), code(explain.ClaimText(k, claims[k], now)), text(meaning)})
	}
	w.table([]string{"claim", "value", "meaning"}, rows)
}

func (d *Document) mdUserInfo(w *mdWriter) {
	u := d.UserInfo
	if u == nil {
		return
	}
	w.heading(2, "UserInfo")
	if u.Error != "" {
		w.para("Fetching userinfo failed: " + text(u.Error))
		return
	}
	w.para("From " + code(u.Endpoint) + ".")
	var id map[string]any
	if d.IDToken != nil {
		id = d.IDToken.Claims
	}
	claimTable(w, u.Claims, id, d.Generated.UTC)
}

func (d *Document) mdAPICalls(w *mdWriter) {
	if d.Kind != KindLogin {
		return
	}
	w.heading(2, "API calls")
	if len(d.APICalls) == 0 {
		w.para("None were made" + explain.If(d.Trace.Recorded, ".", " (or none were recorded: no trace)."))
		return
	}
	var rows [][]string
	for _, c := range d.APICalls {
		diag := c.Diagnosis
		if c.Error != "" {
			diag = strings.TrimSpace(c.Error + " " + diag)
		}
		rows = append(rows, []string{strconv.Itoa(c.ID), code(c.Method), code(c.URL), status(c.Status), text(orDash(diag))})
	}
	w.table([]string{"#", "method", "URL", "status", "diagnosis"}, rows)
}

func (d *Document) mdEndpointChecks(w *mdWriter) {
	if len(d.EndpointChecks) == 0 {
		return
	}
	w.heading(2, "Endpoint checks")
	for _, ec := range d.EndpointChecks {
		w.heading(3, code(ec.Region)+" "+code(ec.Issuer)+" "+explain.If(ec.OK, "✓", "✗"))
		var rows [][]string
		for _, r := range ec.Checks {
			rows = append(rows, []string{text(r.Name), r.Status.Mark(), text(r.Detail)})
		}
		w.table([]string{"check", "result", "detail"}, rows)
		if ec.IdPSaid != "" {
			w.para(text(ec.IdPSaid))
		}
	}
}

func (d *Document) mdTrace(w *mdWriter) {
	t := d.Trace
	w.heading(2, "HTTP trace")
	if !t.Recorded {
		w.para(text(t.Note))
		return
	}
	var rows [][]string
	for _, e := range t.Entries {
		note := strings.TrimSpace(e.Error + " " + e.Warning)
		rows = append(rows, []string{strconv.Itoa(e.ID), text(e.Purpose), code(e.Method), code(e.URL), status(e.Status),
			explain.Elapsed(time.Duration(e.DurationMS) * time.Millisecond), text(orDash(e.TLS)), text(orDash(note))})
	}
	if len(rows) == 0 {
		w.para("No HTTP exchange was recorded.")
	} else {
		w.table([]string{"#", "purpose", "method", "URL", "status", "took", "TLS", "note"}, rows)
	}
	if t.HAR != "" {
		w.para(text(explain.ReportHAR(t.HAR)))
	}
}

// status is an HTTP status, or "–" when there was no answer.
func status(code int) string {
	if code == 0 {
		return "–"
	}
	return strconv.Itoa(code)
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return timefmt.Clock(t)
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "–"
	}
	return s
}

// upperFirst capitalises a sentence's first letter.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
