package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestSimCommandPrintsEndpointsAndAccounts(t *testing.T) {
	isolate(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	root := newRootCmd()
	out := &syncBuffer{}
	root.SetOut(out)
	root.SetArgs([]string{"sim"})
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), "TENANT") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"global   http://127.0.0.1:", "eu       http://127.0.0.1:", "/v1", "PKCE client:        ssodesk-demo",
		"mette.sorensen@nordlyd-hoerecenter.dk", "Nordlyd Hørecenter", "stopped"} {
		if !strings.Contains(s, want) {
			t.Errorf("sim output lacks %q:\n%s", want, s)
		}
	}
}
