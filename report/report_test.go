package report_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/report"
	"ssodesk/report/reporttest"
	"ssodesk/session"
	"ssodesk/sim"
	"ssodesk/sim/simtest"
	"ssodesk/transport"
)

// fixture is a stand-in, a config pointing at (some of) its endpoints and
// a traced HTTP client, as the CLI builds them.
type fixture struct {
	t     *testing.T
	sim   *sim.Sim
	cfg   *config.Config
	trace *transport.Trace
	m     *session.Manager // the last login's (its userinfo, its API calls)
}

// newFixture starts a stand-in with o and configures the endpoints named
// (all when none) with extra config lines.
func newFixture(t *testing.T, o sim.Options, extra string, endpoints ...string) *fixture {
	t.Helper()
	s := simtest.Start(t, o)
	var b strings.Builder
	fmt.Fprintf(&b, "client_id: %s\nbuiltin_regions: false\ntimeouts:\n  login: 20s\nregions:\n", s.ClientID())
	for _, r := range s.Regions() {
		if len(endpoints) == 0 || contains(endpoints, r.Name) {
			fmt.Fprintf(&b, "  - name: %s\n    issuer: %s\n", r.Name, r.Issuer)
		}
	}
	b.WriteString(extra)
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, sim: s, cfg: cfg, trace: transport.NewTrace()}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// login logs in at endpoint as account (a scripted browser), recording
// what a report needs, as `ssodesk login --report` does.
func (f *fixture) login(endpoint, account string) report.Attempt {
	f.t.Helper()
	region, ok := f.cfg.FindRegion(endpoint)
	if !ok {
		f.t.Fatalf("no endpoint %s", endpoint)
	}
	client, err := auth.HTTPClientFor(f.cfg, f.trace)
	if err != nil {
		f.t.Fatal(err)
	}
	rec := report.NewRecorder()
	f.m = session.New(f.cfg, client, nil)
	ctx := context.Background()
	res, err := f.m.Login(ctx, session.LoginInput{Region: region, Open: sim.NewBrowser().Opener(account), Progress: rec.Progress(nil)})
	return f.m.Report(ctx, session.Attempt{Region: region, Started: rec.Started(), Events: rec.Events(), Result: res, Err: err})
}

// more fetches userinfo and calls the API as the session screen would.
func (f *fixture) more(a *report.Attempt) {
	f.t.Helper()
	ctx := context.Background()
	info, err := f.m.UserInfo(ctx, a.Result)
	if err != nil {
		f.t.Fatal(err)
	}
	a.UserInfo = info
	client, _ := auth.HTTPClientFor(f.cfg, f.trace)
	if _, err := api.Call(ctx, client, a.Result.Claim("api"), a.Result.Token.AccessToken, "GET", "me"); err != nil {
		f.t.Fatal(err)
	}
}

// normalise makes a report the same on every run: the stand-in's ports
// become its endpoint names, times, durations, lengths, hashes and the
// login's random values placeholders.
func (f *fixture) normalise(md []byte, a report.Attempt) string {
	s := string(md)
	for _, r := range f.sim.Regions() {
		s = strings.ReplaceAll(s, strings.TrimPrefix(r.Issuer, "http://"), r.Name+".idp.test")
		s = strings.ReplaceAll(s, strings.TrimPrefix(strings.TrimSuffix(r.API, "/v1"), "http://"), r.Name+".api.test")
	}
	if res := a.Result; res != nil {
		for _, c := range []string{"nonce", "at_hash", "jti", "sid", "c_hash"} {
			if v := res.Claim(c); v != "" {
				s = strings.ReplaceAll(s, v, "<"+c+">")
			}
		}
		if res.Report != nil && res.Report.KeyID != "" {
			s = strings.ReplaceAll(s, res.Report.KeyID, "<kid>")
		}
	}
	s = strings.ReplaceAll(s, runtime.GOOS+"/"+runtime.GOARCH, "<os>")
	for _, r := range normalisers {
		s = r.re.ReplaceAllString(s, r.to)
	}
	return sortPrefetches(s)
}

// concurrentRow is a row the login writes in no fixed order: a trace row
// of the reads before the browser (the pre-flight and every issuer's
// discovery and keys run at once, issue 26), a host of the TLS table.
var (
	concurrentRow = regexp.MustCompile("^\\| (\\d+ \\| (discovery|jwks|preflight) \\||`[a-z]+\\.(idp|api)\\.test` \\| )")
	rowID         = regexp.MustCompile(`^\| \d+ \|`)
)

// sortPrefetches puts each run of such rows in one order, their IDs as "n".
func sortPrefetches(s string) string {
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && concurrentRow.MatchString(lines[j]) {
			lines[j] = rowID.ReplaceAllString(lines[j], "| n |")
			j++
		}
		slices.Sort(lines[i:j])
		i = max(j, i+1)
	}
	return strings.Join(lines, "\n")
}

var normalisers = []struct {
	re *regexp.Regexp
	to string
}{
	{regexp.MustCompile(`127\.0\.0\.1(:|%3A)\d+`), "127.0.0.1${1}PORT"},
	{regexp.MustCompile(`errorId=[A-Za-z0-9_\-]+`), "errorId=<id>"},
	{regexp.MustCompile(`(errorId, which HIMSA support can read: )[A-Za-z0-9_\\\-]+`), "${1}<id>"},
	{regexp.MustCompile(`Request Id [A-Za-z0-9:._\-]+`), "Request Id <id>"},
	{regexp.MustCompile("(`(?:jti|sid)` \\| )`[^`]+`"), "$1`<random>`"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(Z| \S+ [+-]\d\d:\d\d|[+-]\d\d:\d\d)?`), "<time>"},
	{regexp.MustCompile(`\b\d\d:\d\d:\d\d\b`), "<hh:mm:ss>"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ms|s|m\d\ds|h\d\dm)\b`), "<d>"},
	{regexp.MustCompile(`in <d>|<d> ago`), "<rel>"},
	{regexp.MustCompile(`sha256 [0-9a-f]{8}`), "sha256 <sha>"},
	{regexp.MustCompile(`\b\d+ bytes\b`), "<n> bytes"},
	{regexp.MustCompile(`\b(state|nonce|code_challenge)=[A-Za-z0-9_\-%.~]+`), "$1=<x>"},
	{regexp.MustCompile(`\bkid [A-Za-z0-9_\-]{8,}`), "kid <kid>"},
	{regexp.MustCompile(`(Keys from .* \(kid )` + "`" + `[^` + "`" + `]+` + "`"), "$1`<kid>`"},
}

func markdown(t *testing.T, a report.Attempt, o report.Options) []byte {
	t.Helper()
	o.Version = "test"
	d, err := report.Build(a, o)
	if err != nil {
		t.Fatal(err)
	}
	md := d.Markdown()
	checkMarkdown(t, md)
	return md
}

const emily = "emily.carter@clearviewhearing.com"
const lukas = "lukas.becker@hoerwelt-berlin.de"

// TestGoldenReports: the reports a support person hands over, as
// Markdown (-update rewrites testdata/TestGoldenReports/*.golden).
func TestGoldenReports(t *testing.T) {
	t.Run("global_login_eu_account", func(t *testing.T) {
		f := newFixture(t, sim.Options{}, "")
		a := f.login("global", lukas)
		if a.Err != nil {
			t.Fatal(a.Err)
		}
		f.more(&a)
		golden.RequireEqual(t, f.normalise(markdown(t, a, report.Options{}), a))
		t.Run("redact_pii", func(t *testing.T) {
			md := markdown(t, a, report.Options{RedactPII: true})
			f.noPersonalData(t, string(md), a)
			golden.RequireEqual(t, f.normalise(md, a))
		})
	})
	t.Run("refused_authorize", func(t *testing.T) {
		f := newFixture(t, sim.Options{}, "redirect_uri: http://127.0.0.1:0/elsewhere\n")
		a := f.login("eu", lukas)
		if _, ok := auth.IsRefused(a.Err); !ok {
			t.Fatalf("want a refusal, got %v", a.Err)
		}
		golden.RequireEqual(t, f.normalise(markdown(t, a, report.Options{}), a))
	})
	t.Run("verification_failure", func(t *testing.T) {
		f := newFixture(t, sim.Options{GlobalExchangeIssuer: sim.IssuerRegional}, "", "global")
		a := f.login("global", lukas)
		if _, ok := a.Err.(*auth.VerifyError); !ok {
			t.Fatalf("want a verification failure, got %v", a.Err)
		}
		golden.RequireEqual(t, f.normalise(markdown(t, a, report.Options{}), a))
		t.Run("redact_pii", func(t *testing.T) {
			md := markdown(t, a, report.Options{RedactPII: true})
			f.noPersonalData(t, string(md), a)
			golden.RequireEqual(t, f.normalise(md, a))
		})
	})
}

// noPersonalData: none of the account's personal values is in text, and
// the stand-ins are.
func (f *fixture) noPersonalData(t *testing.T, text string, a report.Attempt) {
	t.Helper()
	sub := a.Result.Claim("sub")
	for _, acc := range f.sim.Accounts() {
		if acc.ID != sub {
			continue
		}
		for _, v := range []string{acc.Name, acc.Email, acc.TenantName, acc.ID, acc.NoahUserID} {
			if v != "" && strings.Contains(text, v) {
				t.Errorf("the masked report holds %q", v)
			}
		}
	}
	for _, want := range []string{"user-1", "name-1", "email-1@example.invalid"} {
		if !strings.Contains(text, want) {
			t.Errorf("the masked report has no %s", want)
		}
	}
}

// checkMarkdown: the report parses as Markdown, its tables are tables,
// and it has the sections a reader looks for.
func checkMarkdown(t *testing.T, md []byte) {
	t.Helper()
	s := reporttest.Parse(t, md)
	for _, h := range []string{"# ssodesk report:", "## Outcome", "## What was tried", "## Steps", "## Clock and TLS", "## HTTP trace", "## Notes"} {
		if !s.Has(h) {
			t.Errorf("no heading %q in %q", h, s.Headings)
		}
	}
	if s.Tables < 3 {
		t.Errorf("%d tables", s.Tables)
	}
}
