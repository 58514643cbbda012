package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCLILoginExchangeAt: --exchange-at code-region (bound to the config key
// exchange_at) exchanges the EU code at the EU endpoint; the document and
// the summary say which endpoint exchanged it, which issuer signed, and the
// app host of app_hosts.
func TestCLILoginExchangeAt(t *testing.T) {
	e := newCLIEnv(t, "app_hosts: https://app-{region}.example.com\n")
	eu, _ := e.sim.Region("eu")
	global, _ := e.sim.Region("global")
	var doc struct {
		Region, CodeRegion, Issuer, IssuerRegion, Story string
		ExchangedAt                                     string `json:"exchanged_at"`
		ExchangeEndpoint                                string `json:"exchange_endpoint"`
		AppHost                                         string `json:"app_host"`
	}
	for _, tc := range []struct {
		args            []string
		wantAt, wantIss string
	}{
		{nil, "global", global.Issuer},
		{[]string{"--exchange-at", "code-region"}, "eu", eu.Issuer},
	} {
		out, errOut, code := e.ssodesk("", append([]string{"login", "--json"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", tc.args, code, errOut)
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.ExchangedAt != tc.wantAt || doc.Issuer != tc.wantIss || doc.AppHost != "https://app-eu.example.com" {
			t.Errorf("%v: exchanged_at %q (%s) issuer %q app_host %q", tc.args, doc.ExchangedAt, doc.ExchangeEndpoint, doc.Issuer, doc.AppHost)
		}
	}
	out, errOut, code := e.ssodesk("", "login", "--exchange-at", "code-region")
	if code != 0 || !strings.Contains(out, "exchanged at   production eu  "+eu.Issuer) || !strings.Contains(out, "app host       https://app-eu.example.com") ||
		!strings.Contains(out, "issued by the EU IdP that exchanged the code") {
		t.Errorf("summary: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, errOut, code := e.ssodesk("", "login", "--exchange-at", "eu"); code != exitUsage || !strings.Contains(errOut, `config key "exchange_at" (from flag --exchange-at): must be global`) {
		t.Errorf("bad value: exit %d\n%s", code, errOut)
	}
}

// A pasted line over 1 MiB is refused with a word, and the valid redirect
// URL pasted after it still logs in.
func TestPastedLines(t *testing.T) {
	var warned []string
	in := strings.Repeat("x", 2<<20) + "\n" + "http://127.0.0.1:1/callback?code=eu.a&state=s\n" + "last-without-newline"
	var got []string
	for line := range pastedLines(strings.NewReader(in), func(m string) { warned = append(warned, m) }) {
		got = append(got, line)
	}
	if len(got) != 2 || got[0] != "http://127.0.0.1:1/callback?code=eu.a&state=s" || got[1] != "last-without-newline" {
		t.Errorf("lines = %q", got)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "more than 1024 KB was ignored") {
		t.Errorf("warnings = %q", warned)
	}
}

func TestCLINoBrowserLongPaste(t *testing.T) {
	e := newCLIEnv(t, "timeouts:\n  login: 2s\n")
	_, errOut, code := e.ssodesk(strings.Repeat("x", 2<<20)+"\nhttps://example.com/not-the-redirect?x=1\n", "login", "--no-browser")
	if code != exitFailed || !strings.Contains(errOut, "more than 1024 KB was ignored") || !strings.Contains(errOut, "pasted URL refused") {
		t.Errorf("exit %d, stderr:\n%s", code, errOut)
	}
}
