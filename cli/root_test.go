package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ssodesk/sim"
	"ssodesk/sim/simtest"
)

func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	for _, k := range []string{"SSODESK_CLIENT_ID", "SSODESK_CLIENT_SECRET", "SSODESK_REGION", "SSODESK_REDIRECT_URI"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	return dir
}

func TestExitCodes(t *testing.T) {
	dir := isolate(t)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("redirect_url: http://127.0.0.1:1/cb\n"), 0o600)
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"config ok", []string{"config"}, exitOK},
		{"bad config key", []string{"config", "--config", bad}, exitUsage},
		{"unknown flag", []string{"--bogus"}, exitUsage},
		{"bad flag value", []string{"config", "--region", "mars"}, exitUsage},
		{"extra argument", []string{"config", "extra"}, exitUsage},
		{"unknown command", []string{"frobnicate"}, exitUsage},
		{"no client id, no terminal", []string{}, exitUsage},
		{"bad port base", []string{"sim", "--port-base", "-1"}, exitUsage},
		{"bad issuer mode", []string{"demo", "--global-exchange-issuer", "both"}, exitUsage},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Execute(tc.args); got != tc.want {
				t.Errorf("ssodesk %v exit = %d, want %d", tc.args, got, tc.want)
			}
		})
	}
}

func TestConfigCommandMasksSecret(t *testing.T) {
	isolate(t)
	t.Setenv("SSODESK_CLIENT_SECRET", "very-secret-value")
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"config", "--client-id", "app-1"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.Contains(s, "very-secret-value") || !strings.Contains(s, "client_secret:  (set, hidden)") || !strings.Contains(s, "client_id:      app-1") {
		t.Errorf("config output:\n%s", s)
	}
}

// syncBuffer is an output a command writes to while the test reads it.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{} // a token after each write (made by newSyncBuffer)
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{changed: make(chan struct{}, 1)} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return n, err
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitFor waits until the output holds want, looking again after each
// write; false when it does not within timeout.
func (s *syncBuffer) waitFor(want string, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !strings.Contains(s.String(), want) {
		select {
		case <-s.changed:
		case <-deadline.C:
			return strings.Contains(s.String(), want)
		}
	}
	return true
}

// ssodesk sim runs the environments the demo serves: production (global,
// eu, us, au) and QA (global, eu) on their own; issue 22 (14): it listed a
// "qa" region inside production.
func TestSimCommandPrintsEndpointsAndAccounts(t *testing.T) {
	isolate(t)
	// The accounts the command lists are those of a production and a QA
	// stand-in: the last QA one is the last line it prints before it waits
	// for the interrupt.
	prod := simtest.Start(t, sim.Options{Regions: []string{"global", "eu", "us", "au"}}).Accounts()
	qa := simtest.Start(t, sim.Options{Environment: sim.EnvQA}).Accounts()
	line := func(env string, a sim.Account) string {
		return fmt.Sprintf("%-11s %-6s %-42s %s\n", env, a.Region, a.Email, a.TenantName)
	}
	last := line("qa", qa[len(qa)-1])
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := newRootCmd()
	out := newSyncBuffer()
	root.SetOut(out)
	root.SetArgs([]string{"sim"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	if !out.waitFor(last, 15*time.Second) {
		t.Errorf("sim never listed its last account; output:\n%s", out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"production  global   http://127.0.0.1:", "production  eu       http://127.0.0.1:", "production  au ",
		"qa          global   http://127.0.0.1:", "qa          eu       http://127.0.0.1:", "/v1", "PKCE client:        ssodesk-demo",
		"mette.sorensen@nordlyd-hoerecenter.dk", "Nordlyd Hørecenter", "\nstopped\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("sim output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "production  qa") || strings.Contains(s, "qa          us") {
		t.Errorf("sim lists a QA region inside production (or production's in QA):\n%s", s)
	}
	for env, accounts := range map[string][]sim.Account{"production": prod, "qa": qa} {
		for _, a := range accounts {
			if !strings.Contains(s, line(env, a)) {
				t.Errorf("sim output lacks the account line %q", line(env, a))
			}
		}
	}
	if !strings.HasSuffix(s, last+"\nstopped\n") {
		t.Errorf("sim output does not end with its last account, then stopped:\n%s", s)
	}
}
