package report_test

import (
	"encoding/json"
	"strings"
	"testing"

	"ssodesk/check"
	"ssodesk/diagnose"
	"ssodesk/report"
)

// One status type, each output's words as before: a verification check
// says "pass", a step and an endpoint check "ok"; the detail is escaped
// alike in both (the document does not escape <, > and &).
func TestStatusWordsPerOutput(t *testing.T) {
	const detail = "a <b> & c"
	d := &report.Document{
		Steps:        []report.Step{{Name: "verify", Status: check.Pass, Detail: detail}},
		Verification: &report.Verification{Checks: []report.Check{{Name: "issuer", Status: check.Pass, Detail: detail}, {Name: "nonce", Detail: "not checked"}}},
		EndpointChecks: []report.EndpointCheck{{Region: "eu", Checks: []check.Row{
			{Name: "tls", Status: check.Warn, Detail: detail}, {Name: "jwks", Status: check.Pass}}}},
	}
	b, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, want := range []string{
		`{"name":"issuer","status":"pass","detail":"a <b> & c"}`,
		`{"name":"nonce","status":"skip","detail":"not checked"}`,
		`"name": "verify",` + "\n" + `      "status": "ok",`,
		`"detail": "a <b> & c"`,
		`"check": "jwks",` + "\n" + `          "status": "ok",`,
		`"status": "warn"`,
	} {
		if !strings.Contains(strings.NewReplacer(" ", "", "\n", "").Replace(js), strings.NewReplacer(" ", "", "\n", "").Replace(want)) {
			t.Errorf("no %s in\n%s", want, js)
		}
	}
	var back report.Document
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Verification.Checks[0].Status != check.Pass || back.Steps[0].Status != check.Pass || back.EndpointChecks[0].Checks[0].Status != check.Warn {
		t.Errorf("read back: %+v %+v", back.Verification.Checks, back.Steps)
	}
}

// A row's own Fix is the outcome's fix; without one, the fix is the part
// of the detail after " — ", as before.
func TestCheckOutcomeFix(t *testing.T) {
	build := func(rows ...check.Row) report.Outcome {
		d, err := report.Build(report.Attempt{Kind: report.KindCheck, Checks: []diagnose.Report{{Region: "eu", Rows: rows}}}, report.Options{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return d.Outcome
	}
	if o := build(check.Row{Name: "tls", Status: check.Fail, Detail: "expired — renew it"}); o.Fix != "Renew it." || !strings.Contains(o.Explanation, "eu tls: expired") {
		t.Errorf("split: %+v", o)
	}
	if o := build(check.Row{Name: "tls", Status: check.Fail, Detail: "expired", Fix: "Tell HIMSA."}); o.Fix != "Tell HIMSA." || !strings.Contains(o.Explanation, "eu tls: expired") {
		t.Errorf("own fix: %+v", o)
	}
	if o := build(check.Row{Name: "tls", Status: check.Warn, Detail: "soon — renew it"}, check.Row{Name: "jwks"}); !o.OK {
		t.Errorf("a warning and a row not checked failed the check: %+v", o)
	}
}

// A saved document's verification read back: a word it does not know is
// not checked (–), never ✓.
func TestSavedUnknownStatusIsNotPass(t *testing.T) {
	saved := `{"region":"eu","tokens":{"access_token":"x"},"verification":{"ok":true,"checks":[` +
		`{"name":"issuer","status":"pass","detail":"ok"},{"name":"signature","status":"fail","detail":"bad"},{"name":"nonce","status":"bogus","detail":"?"}]}}`
	d, err := report.Build(report.Attempt{Kind: report.KindSaved, Saved: []byte(saved)}, report.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	v := d.Verification
	if v.Checks[0].Status != check.Pass || v.Checks[1].Status != check.Fail || v.Checks[2].Status != check.Skip {
		t.Errorf("statuses: %+v", v.Checks)
	}
	if v.Summary != "issuer ✓, signature ✗" {
		t.Errorf("summary %q", v.Summary)
	}
	if md := string(d.Markdown()); !strings.Contains(md, "| nonce | – |") {
		t.Errorf("markdown:\n%s", md)
	}
}
