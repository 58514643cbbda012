package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// rowRe matches a row of check's table: mark, check name.
var rowRe = regexp.MustCompile(`(?m)^  (✓|✗|!|–) (\S+(?: \S+)?)\s`)

func TestCheckHealthyStandIn(t *testing.T) {
	e := newCLIEnv(t, "")
	out, errOut, code := e.ssodesk("", "check")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	rows := rowRe.FindAllStringSubmatch(out, -1)
	if want := 9 * len(e.sim.Regions()); len(rows) != want {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), want, out)
	}
	for _, r := range rows {
		if r[1] != "✓" {
			t.Errorf("row %s is %s, want ✓:\n%s", r[2], r[1], out)
		}
	}
	for _, r := range e.sim.Regions() {
		if !strings.Contains(out, "\nproduction "+r.Name+"  "+r.Issuer) && !strings.HasPrefix(out, "production "+r.Name+"  "+r.Issuer) {
			t.Errorf("no section for %s:\n%s", r.Name, out)
		}
	}
}

func TestCheckUnregisteredRedirectURI(t *testing.T) {
	e := newCLIEnv(t, "")
	out, errOut, code := e.ssodesk("", "check", "--region", "eu", "--redirect-uri", "http://127.0.0.1:0/elsewhere")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if n := len(regexp.MustCompile(`(?m)^  \S `).FindAllString(out, -1)); n != 10 || strings.Contains(out, "global  ") {
		t.Errorf("want only eu's 10 rows, got %d:\n%s", n, out)
	}
	if !regexp.MustCompile(`(?m)^  ✗ authorize +the IdP does not accept the redirect URI http://127\.0\.0\.1:\d+/elsewhere for client ssodesk-demo`).MatchString(out) {
		t.Errorf("no ✗ authorize row naming the redirect URI and client:\n%s", out)
	}
	// The probes: the bare request refused, the client's configured
	// redirect URI accepted, so the redirect URI is named.
	if !regexp.MustCompile(`(?m)^  ✗ refuses +The IdP accepts client ssodesk-demo with its configured redirect URI http://127\.0\.0\.1:\d+/callback but refuses redirect URI http://127\.0\.0\.1:\d+/elsewhere`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^      1\. as asked: refused \(unauthorized_client\)`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^      3\. the configured client's own \(ssodesk-demo\): accepted`).MatchString(out) {
		t.Errorf("no refuses row naming the redirect URI, with its probes:\n%s", out)
	}
	if !strings.Contains(errOut, "check failed (production eu: authorize, refuses)") {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestCheckJSON(t *testing.T) {
	e := newCLIEnv(t, "")
	out, errOut, code := e.ssodesk("", "check", "--region", "global", "--json", "--client-id", "unknown-app")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errOut)
	}
	var reports []struct {
		Region string `json:"region"`
		Checks []struct {
			Check, Status, Detail string
		} `json:"checks"`
		Preflight struct {
			Outcome, Cause, RequestID string
			ClientID                  string `json:"client_id"`
		} `json:"preflight"`
	}
	if err := json.Unmarshal([]byte(out), &reports); err != nil || len(reports) != 1 {
		t.Fatalf("%v:\n%s", err, out)
	}
	r := reports[0]
	if r.Region != "global" || r.Preflight.Outcome != "refused" || r.Preflight.Cause != "client" || r.Preflight.ClientID != "unknown-app" {
		t.Errorf("report %+v", r)
	}
	for _, c := range r.Checks {
		if (c.Check == "authorize" || c.Check == "refuses") != (c.Status == "fail") {
			t.Errorf("check %+v", c)
		}
	}
}

// TestLoginRefusedBeforeTheBrowser: `login` with a redirect URI the IdP
// does not accept ends at once with exit 1 and the verdict, and never
// starts $BROWSER.
func TestLoginRefusedBeforeTheBrowser(t *testing.T) {
	e := newCLIEnv(t, "")
	marker := filepath.Join(e.dir, "browser-ran")
	script := filepath.Join(e.dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	for i, kv := range e.env {
		if strings.HasPrefix(kv, "BROWSER=") {
			e.env[i] = "BROWSER=" + script
		}
	}
	start := time.Now()
	_, errOut, code := e.ssodesk("", "login", "--redirect-uri", "http://127.0.0.1:0/elsewhere")
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %s, want under 3s", took)
	}
	if code != 1 || !regexp.MustCompile(`does not accept the redirect URI http://127\.0\.0\.1:\d+/elsewhere for client ssodesk-demo`).MatchString(errOut) ||
		!strings.Contains(errOut, "Request Id") {
		t.Errorf("exit %d:\n%s", code, errOut)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("$BROWSER ran after the refusal")
	}
}

// TestLoginBrowserExitStatus: a $BROWSER exiting 3 is said at once.
func TestLoginBrowserExitStatus(t *testing.T) {
	e := newCLIEnv(t, "timeouts:\n  login: 2s\n")
	script := filepath.Join(e.dir, "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexit 3\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	for i, kv := range e.env {
		if strings.HasPrefix(kv, "BROWSER=") {
			e.env[i] = "BROWSER=" + script
		}
	}
	_, errOut, code := e.ssodesk("", "login")
	if code != 1 || !strings.Contains(errOut, "ssodesk: warning: the browser command \""+script+"\" exited with status 3") {
		t.Errorf("exit %d:\n%s", code, errOut)
	}
	// Said when it happened: before the timeout's message.
	if i, j := strings.Index(errOut, "exited with status 3"), strings.Index(errOut, "no login response"); i < 0 || j < 0 || i > j {
		t.Errorf("the exit status came after the timeout:\n%s", errOut)
	}
}
