package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/report"
	"ssodesk/report/reporttest"
	"ssodesk/sim"
)

func TestSaveWritesReportAndHAR(t *testing.T) {
	f := newFixture(t, sim.Options{}, "")
	f.login("us", emily) // an earlier login in the same trace: not this report's
	a := f.login("global", lukas)
	dir := t.TempDir()
	w, err := report.Save(filepath.Join(dir, "r.md"), a, report.Options{RedactPII: true})
	if err != nil {
		t.Fatal(err)
	}
	if w.Report != filepath.Join(dir, "r.md") || w.HAR != filepath.Join(dir, "r.har") {
		t.Errorf("written %+v", w)
	}
	for _, p := range []string{w.Report, w.HAR} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, err, st)
		}
	}
	har, _ := os.ReadFile(w.HAR)
	var doc struct {
		Log struct {
			Entries []struct {
				ID int `json:"_id"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(har, &doc); err != nil || len(doc.Log.Entries) == 0 {
		t.Fatalf("HAR: %v\n%.300s", err, har)
	}
	first := f.trace.Entries()[0].ID
	for _, e := range doc.Log.Entries {
		if e.ID == first {
			t.Error("the HAR holds an exchange of the earlier login")
		}
	}
	for _, personal := range []string{"Lukas", "lukas.becker", "Hörwelt", "Emily"} {
		if strings.Contains(string(har), personal) {
			t.Errorf("the masked HAR holds %q", personal)
		}
	}
	// Never over an existing file, and the error names it.
	if _, err := report.Save(w.Report, a, report.Options{}); err == nil || !strings.Contains(err.Error(), w.Report+" already exists") {
		t.Errorf("second save: %v", err)
	}
	if _, err := report.Save(filepath.Join(dir, "x.har"), a, report.Options{}); err == nil || !strings.Contains(err.Error(), ".har") {
		t.Errorf("a report named .har: %v", err)
	}
}

func TestSaveJSON(t *testing.T) {
	f := newFixture(t, sim.Options{}, "")
	a := f.login("global", lukas)
	w, err := report.Save(filepath.Join(t.TempDir(), "r.json"), a, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(w.Report)
	var d report.Document
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if d.Schema != report.Schema || !d.Outcome.OK || d.Landing.CodeRegion != "eu" || d.Verification == nil || !d.Verification.OK ||
		len(d.Tokens) != 2 || d.Tokens[0].Kind != "jwt" || len(d.Tokens[0].SHA256) != 8 || len(d.Steps) != len(auth.Steps) ||
		d.Trace.HAR != "r.har" || d.IDToken.Claims["region"] != "eu" {
		t.Errorf("document:\n%s", b)
	}
	for _, s := range d.Steps {
		if s.Status != check.Pass || s.At.IsZero() {
			t.Errorf("step %+v", s)
		}
	}
}

// Text from outside (a claim, the IdP's words) cannot add markup: pipes do
// not split cells, HTML stays text, escapes are neutralised.
func TestHostileTextStaysText(t *testing.T) {
	hostile := "a|b `c` <script>alert(1)</script> *x* [l](http://e) \x1b[2J\n# h\u202e"
	res := &auth.Result{Region: config.Region{Name: "global", Issuer: "https://idp.example"}, Issuer: "https://idp.example",
		Token: &oauth2.Token{AccessToken: "opaque", Expiry: time.Now().Add(time.Hour)}, RawIDToken: "x.y.z",
		Header: map[string]any{"alg": hostile}, Claims: map[string]any{"name": hostile, "sub": "s|1", hostile: hostile},
		Report: &auth.Report{Checks: []check.Row{{Name: "issuer", Status: check.Fail, Detail: hostile}}}}
	a := report.Attempt{Config: &config.Config{ClientID: hostile}, Region: res.Region, Result: res,
		Events: []auth.Event{{Step: auth.StepDiscovered, Msg: hostile, At: time.Now()}}}
	for _, redact := range []bool{false, true} {
		d, err := report.Build(a, report.Options{RedactPII: redact})
		if err != nil {
			t.Fatal(err)
		}
		md := d.Markdown()
		reporttest.Parse(t, md)
		if strings.ContainsAny(string(md), "\x1b\u202e") {
			t.Errorf("raw outside text in the report:\n%s", md)
		}
		js, _ := d.JSON()
		if !json.Valid(js) {
			t.Error("invalid JSON")
		}
	}
}

// The same value gets the same stand-in throughout; another gets another.
func TestRedactPIIConsistent(t *testing.T) {
	res := &auth.Result{Region: config.Region{Name: "eu"}, Token: &oauth2.Token{AccessToken: "opaque"}, RawIDToken: "x.y.z",
		Claims: map[string]any{"sub": "sub-0001", "name": "Ann Lee", "email": "ann@corp.example", "tenantname": "Corp Hearing"},
		Report: &auth.Report{Checks: []check.Row{{Name: "subject", Status: check.Pass, Detail: "sub sub-0001 (Ann Lee, ann@corp.example)"}}}}
	info := &auth.UserInfo{Endpoint: "https://idp/userinfo?login_hint=ann%40corp.example", Claims: map[string]any{
		"sub": "sub-0001", "email": "ann@corp.example", "noahuserid": "100241", "tenantname": "Corp Hearing", "other": "bob@else.example"}}
	d, err := report.Build(report.Attempt{Region: res.Region, Result: res, UserInfo: info}, report.Options{RedactPII: true})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := d.JSON()
	for _, personal := range []string{"sub-0001", "Ann", "ann@corp", "ann%40corp", "Corp Hearing", "100241", "bob@"} {
		if strings.Contains(string(js), personal) {
			t.Errorf("%q is not masked:\n%s", personal, js)
		}
	}
	if d.IDToken.Claims["sub"] != "user-1" || d.UserInfo.Claims["sub"] != "user-1" || d.UserInfo.Claims["email"] != "email-1@example.invalid" ||
		d.UserInfo.Claims["tenantname"] != "tenant-1" || d.UserInfo.Claims["noahuserid"] != "noahuser-1" ||
		d.UserInfo.Claims["other"] != "email-2@example.invalid" || d.Verification.Checks[0].Detail != "sub user-1 (name-1, email-1@example.invalid)" {
		t.Errorf("stand-ins:\n%s", js)
	}
	if res.Claims["sub"] != "sub-0001" {
		t.Error("masking changed the session's own claims")
	}
}
