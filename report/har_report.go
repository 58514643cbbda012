package report

// The report of a HAR file (ssodesk har --report, the TUI's d on a flow):
// the same Document as a login's, kind "har", its steps a flow's steps,
// with the file it came from and every flow in it.

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"ssodesk/check"
	"ssodesk/explain"
	"ssodesk/transport"
)

// KindHAR is the kind of a report made from a browser's HAR file.
const KindHAR = "har"

// BuildHAR is the report of h (DiagnoseHAR's), its strings scrubbed of
// sec's values. o.RedactPII is h's own (DiagnoseHAR masked it).
func BuildHAR(h *HAR, sec *transport.Secrets, o Options) *Document {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	src := h.Source
	d := &Document{Schema: Schema, Kind: KindHAR, Generated: generated(o, now), PersonalData: h.PersonalData,
		Source: &src, Flows: h.Flows, HARNotes: h.Notes, Problems: h.Problems, Tokens: []Token{}, APICalls: []APICall{}, TLS: []TLSHost{}}
	d.Outcome = harOutcome(h)
	if f := reportedFlow(h); f != nil {
		d.Tried = Tried{Environment: f.Environment, EnvironmentLabel: explain.EnvName(f.Environment), Endpoint: f.Endpoint, Issuer: f.IdP,
			ClientID: f.ClientID, ClientSecret: "not in a browser's HAR", RedirectURISent: f.RedirectURI, Scopes: f.Scopes,
			CultureLCID: f.CultureLCID, Prompt: f.Prompt}
		for _, s := range f.Steps {
			d.Steps = append(d.Steps, Step{Name: s.Kind, Status: s.Status, At: s.At, DurationMS: s.TookMS, Detail: s.Detail})
		}
	}
	for _, f := range h.Flows {
		for _, t := range f.Tokens {
			d.Tokens = append(d.Tokens, t.Token)
		}
	}
	d.Trace = Trace{Note: explain.HARReportTrace(src.Name), Entries: []TraceEntry{}}
	d.Notes = append(d.Notes, explain.HARReportTimesNote)
	walkStrings(reflect.ValueOf(d).Elem(), sec.Scrub)
	return d
}

// reportedFlow is the flow a HAR's report tells step by step: the first
// that failed, else the first.
func reportedFlow(h *HAR) *HARFlow {
	for i := range h.Flows {
		if h.Flows[i].Outcome == "failed" {
			return &h.Flows[i]
		}
	}
	if len(h.Flows) > 0 {
		return &h.Flows[0]
	}
	return nil
}

// harOutcome: ok when every flow succeeded; else the first failure's
// finding, cause and fix.
func harOutcome(h *HAR) Outcome {
	failed := h.Failed()
	switch {
	case len(h.Flows) == 0:
		return Outcome{Summary: explain.HARNoFlow}
	case failed == 0:
		return Outcome{OK: true, Summary: explain.HARFlowsOK(len(h.Flows))}
	}
	o := Outcome{Summary: explain.HARFlowsFailed(failed, len(h.Flows))}
	f := reportedFlow(h)
	if f == nil || f.Outcome != "failed" {
		return o // abandoned only
	}
	o.FailedStep = f.FailedStep
	for _, n := range f.Findings {
		if n.Status == check.Fail.String() {
			o.Error, o.Explanation, o.Fix = n.Text, n.Cause, n.Fix
			break
		}
	}
	return o
}

// SaveHAR writes the report of h at path (Markdown, or JSON for a ".json"
// name or o.JSON), mode 0600, never over a file; sec's values are scrubbed
// from every byte. It returns the absolute path.
func SaveHAR(path string, h *HAR, sec *transport.Secrets, o Options) (string, error) {
	if err := CheckFree(path, false); err != nil {
		return "", err
	}
	d := BuildHAR(h, sec, o)
	body := d.Markdown()
	if o.JSON || IsJSON(path) {
		var err error
		if body, err = d.JSON(); err != nil {
			return "", err
		}
	}
	abs := absPath(path)
	return abs, create(abs, sec.ScrubBytes(body))
}

// mdHAR renders a HAR's report: the file, then each flow.
func (d *Document) mdHAR(w *mdWriter) {
	s := d.Source
	w.heading(2, "Source")
	w.table([]string{"fact", "value"}, [][]string{
		{"file", code(s.Name)}, {"SHA-256", code(s.SHA256)}, {"size", text(fmt.Sprintf("%d bytes", s.Size))},
		{"creator", text(strings.TrimSpace(s.Creator + " " + s.Version))}, {"browser", text(s.Browser)},
		{"pages", fmt.Sprint(s.Pages)}, {"entries", fmt.Sprint(s.Entries)},
	})
	for _, p := range d.Problems {
		w.bullet("! " + text(p))
	}
	mdNotes(w, "", d.HARNotes)
	w.blank()
	for i, f := range d.Flows {
		mdHARFlow(w, i, f)
	}
}

func mdHARFlow(w *mdWriter, i int, f HARFlow) {
	where := f.IdP + " (not a configured HIMSA endpoint)"
	if f.Endpoint != "" {
		where = explain.Endpoint(f.Environment, f.Endpoint) + " (" + f.IdP + ")"
	}
	w.heading(2, text(fmt.Sprintf("Login %d: %s at %s — %s", i+1, orDash(f.ClientID), where, explain.If(f.FailedStep != "", f.Outcome+" at step "+f.FailedStep, f.Outcome))))
	if f.Story != "" {
		w.para(text(f.Story))
	}
	w.table([]string{"fact", "value"}, [][]string{
		{"redirect URI", code(f.RedirectURI)}, {"scopes", code(strings.Join(f.Scopes, " "))}, {"PKCE", code(f.PKCE)},
		{"prompt", code(f.Prompt)}, {"culture-lcid", code(f.CultureLCID)}, {"code region", code(f.CodeRegion)},
		{"ID token iss", code(f.Issuer)}, {"API host", code(f.APIHost)},
	})
	var rows [][]string
	for j, s := range f.Steps {
		var xs []string
		for _, x := range s.Exchanges {
			xs = append(xs, text(fmt.Sprintf("#%d %s %d", x.ID, x.Method, x.Status))+" "+code(x.URL))
		}
		rows = append(rows, []string{fmt.Sprint(j + 1), text(explain.StepLabel(s.Kind)), s.Status.Mark(), clock(s.At), text(s.Detail), strings.Join(xs, "<br>")})
	}
	w.table([]string{"#", "step", "result", "at", "what happened", "exchanges"}, rows)
	mdNotes(w, "", f.Findings)
	w.blank()
	for _, t := range f.Tokens {
		mdHARToken(w, t)
	}
}

func mdNotes(w *mdWriter, indent string, ns []HARNote) {
	for _, n := range ns {
		mark := "•"
		if st, ok := check.Parse(n.Status); ok {
			mark = st.Mark()
		}
		w.bullet(indent + mark + " " + text(n.Text))
		if n.Cause != "" {
			w.bullet(indent + "  **Cause:** " + text(n.Cause))
		}
		if n.Fix != "" {
			w.bullet(indent + "  **Fix:** " + text(n.Fix))
		}
	}
}

func mdHARToken(w *mdWriter, t HARToken) {
	line := "**" + text(upperFirst(t.Name)) + "**: " + text(t.Text)
	if t.Verified != "" {
		line += " — " + text(t.Verified)
	}
	w.para(line)
	if v := t.Verification; v != nil {
		var rows [][]string
		for _, c := range v.Checks {
			rows = append(rows, []string{text(c.Name), c.Status.Mark(), text(c.Detail)})
		}
		w.table([]string{"check", "result", "detail"}, rows)
	}
	if len(t.Claims) == 0 {
		return
	}
	names := make([]string, 0, len(t.Claims))
	for k := range t.Claims {
		names = append(names, k)
	}
	sort.Strings(names)
	var rows [][]string
	for _, k := range names {
		rows = append(rows, []string{code(k), text(explain.ClaimText(k, t.Claims[k], t.At)), text(explain.ClaimLabel(k))})
	}
	w.table([]string{"claim", "value (times at its use)", "meaning"}, rows)
}
