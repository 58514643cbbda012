package auth_test

import (
	"context"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/sim"
	"ssodesk/transport"
	"strings"
	"testing"
	"time"

	"ssodesk/check"
)

// Against the stand-in, which sends iss like IdentityServer: the report
// says the response came from the issuer, and the trace shows the callback
// (its code redacted).
func TestLoginChecksResponseIssuer(t *testing.T) {
	tr := transport.NewTrace()
	client, _ := transport.NewClient(transport.Options{Trace: tr})
	r, _ := stand.Region("eu")
	o := auth.Options{Region: config.Region{Name: "eu", Issuer: r.Issuer}, ClientID: stand.ClientID(), RedirectURI: config.DefaultRedirectURI,
		Scopes: config.DefaultScopes(), LoginTimeout: 20 * time.Second, HTTPClient: client}
	for _, a := range stand.Accounts() {
		if a.Region == "eu" {
			o.Open = sim.NewBrowser().Opener(a.ID)
			break
		}
	}
	res, err := auth.Login(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := res.Report.Check("response issuer")
	if !ok || c.Status != check.Pass || !strings.Contains(c.Detail, r.Issuer) {
		t.Errorf("response issuer check = %+v", c)
	}
	var callback *transport.Entry
	for _, e := range tr.Entries() {
		if e.Purpose == "callback" {
			callback = &e
		}
	}
	if callback == nil || !strings.Contains(callback.URL, "iss=") || strings.Contains(callback.URL, "code=eu.") {
		t.Errorf("callback in the trace: %+v", callback)
	}
}
