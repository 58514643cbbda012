package sim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	names := []string{}
	for _, r := range shared.Regions() {
		names = append(names, r.Name)
		if !strings.HasPrefix(r.Issuer, "http://127.0.0.1:") || !strings.HasPrefix(r.API, "http://127.0.0.1:") || !strings.HasSuffix(r.API, "/v1") {
			t.Errorf("region %+v not on 127.0.0.1", r)
		}
	}
	if strings.Join(names, ",") != "global,eu,us,au,qa" {
		t.Errorf("regions = %v", names)
	}
	if shared.ClientID() != "ssodesk-demo" {
		t.Errorf("client id %q", shared.ClientID())
	}
	count := map[string]int{}
	tenants := map[string]bool{}
	ids := map[string]bool{}
	for _, a := range shared.Accounts() {
		count[a.Region]++
		if a.Region == "eu" {
			tenants[a.TenantID] = true
		}
		if ids[a.ID] {
			t.Errorf("duplicate account id %s", a.ID)
		}
		ids[a.ID] = true
	}
	if n := len(shared.Accounts()); n < 5 || n > 7 || count["eu"] < 2 || len(tenants) < 2 || count["us"] < 1 || count["au"] < 1 || count["qa"] < 1 {
		t.Errorf("accounts per region %v, eu tenants %d", count, len(tenants))
	}
}

func TestOptionsValidation(t *testing.T) {
	for _, o := range []Options{
		{Regions: []string{"global", "EU"}},
		{Regions: []string{"eu", "eu"}},
		{Regions: []string{"e.u"}},
		{ClientID: "same", ServiceClientID: "same"},
		{BasePort: 65530},
	} {
		if s, err := Start(context.Background(), o); err == nil {
			s.Close()
			t.Errorf("Start(%+v) succeeded", o)
		}
	}
}

// freeBase finds a base port with n free consecutive ports (best effort).
func freeBase(t *testing.T, n int) int {
	t.Helper()
	for try := 0; try < 20; try++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if base+n > 65535 {
			continue
		}
		ok := true
		for p := base; p < base+n && ok; p++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Skip("no free port range")
	return 0
}

func TestBasePortAndShutdown(t *testing.T) {
	t.Parallel()
	base := freeBase(t, 4)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, Options{Regions: []string{GlobalRegion, "us"}, BasePort: base})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	for i, r := range s.Regions() {
		if want := "http://127.0.0.1:" + strconv.Itoa(base+2*i); r.Issuer != want {
			t.Errorf("%s issuer %s, want %s", r.Name, r.Issuer, want)
		}
		if want := "http://127.0.0.1:" + strconv.Itoa(base+2*i+1) + "/v1"; r.API != want {
			t.Errorf("%s API %s, want %s", r.Name, r.API, want)
		}
	}
	if n := len(s.Accounts()); n != 1 {
		t.Errorf("%d accounts for regions global+us, want 1", n)
	}
	us := region(t, s, "us")
	resp, err := http.Get(us.Issuer + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	cancel() // ending the context shuts the sim down
	select {
	case <-s.done: // only the shutdown the context started closes it
	case <-time.After(10 * time.Second):
		t.Fatal("the sim did not start shutting down after its context ended")
	}
	// Close returns once that shutdown is over (sync.Once), and is harmless.
	if err := s.Close(); err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("Close after shutdown: %v", err)
	}
	for _, r := range s.Regions() {
		for _, u := range []string{r.Issuer + "/healthz", r.API + "/me"} {
			if resp, err := http.Get(u); err == nil {
				resp.Body.Close()
				t.Errorf("%s still served after the context ended", u)
			}
		}
	}
}
