package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"ssodesk/api"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/sim"
	"ssodesk/transport"
)

// secretSpy sits above the traced transport and collects every secret the
// app actually sends or receives, so the test knows what must not leak.
type secretSpy struct {
	inner   http.RoundTripper
	mu      sync.Mutex
	secrets map[string]string // value → where it was seen
}

func (s *secretSpy) add(v, where string) {
	if len(v) < 6 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := s.secrets[v]; !seen { // keep the first place it was seen
		s.secrets[v] = where
	}
}

func (s *secretSpy) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		if vals, err := url.ParseQuery(string(b)); err == nil {
			for _, k := range []string{"code", "code_verifier", "client_secret", "refresh_token"} {
				s.add(vals.Get(k), "request "+k)
			}
		}
	}
	if a := req.Header.Get("Authorization"); a != "" {
		s.add(strings.TrimPrefix(a, "Bearer "), "Authorization header")
	}
	return s.inner.RoundTrip(req)
}

func TestTraceAndHARHoldNoSecret(t *testing.T) {
	tr := transport.NewTrace()
	client, err := transport.NewClient(transport.Options{Trace: tr})
	if err != nil {
		t.Fatal(err)
	}
	spy := &secretSpy{inner: client.Transport, secrets: map[string]string{}}
	client.Transport = spy

	acct := account(t, "eu")
	open, _ := browser(acct.Email, false)
	o := options(region(t, "global"), open, &recorder{})
	o.HTTPClient = client
	o.Scopes = append(o.Scopes, config.ScopeOfflineAccess)
	ctx := context.Background()
	c := auth.NewClient(o)
	res, err := c.Login(ctx, auth.LoginParams{})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := c.Refresh(ctx, res)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserInfo(ctx, ref.Result); err != nil {
		t.Fatal(err)
	}
	if r, err := api.Call(ctx, client, res.Claim("api"), ref.Result.Token.AccessToken, "GET", "me"); err != nil || r.Status != 200 {
		t.Fatalf("api: %v %v", r, err)
	}
	id, secret := stand.ServiceClient()
	g, _ := stand.Region("global")
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: g.TokenURL(), Scopes: []string{sim.APIScope}, AuthStyle: oauth2.AuthStyleInParams}
	svc, err := cc.Token(context.WithValue(transport.WithPurpose(ctx, "token"), oauth2.HTTPClient, client))
	if err != nil {
		t.Fatal(err)
	}
	for what, v := range map[string]string{
		"access token": res.Token.AccessToken, "refresh token": res.Token.RefreshToken, "ID token": res.RawIDToken,
		"refreshed access token": ref.Result.Token.AccessToken, "rotated refresh token": ref.Result.Token.RefreshToken,
		"refreshed ID token": ref.Result.RawIDToken, "service token": svc.AccessToken, "client secret": secret,
	} {
		spy.add(v, what)
	}
	for _, need := range []string{"request code", "request code_verifier", "request client_secret"} {
		if !containsValue(spy.secrets, need) {
			t.Fatalf("the spy never saw the %s; the test would prove nothing", need)
		}
	}

	purposes := map[string]bool{}
	for _, e := range tr.Entries() {
		purposes[e.Purpose] = true
	}
	for _, p := range []string{"discovery", "jwks", "token", "userinfo", "api"} {
		if !purposes[p] {
			t.Errorf("no %s exchange in the trace (purposes %v)", p, purposes)
		}
	}

	var har bytes.Buffer
	if err := tr.WriteHAR(&har, "ssodesk", "test"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Log struct {
			Version string `json:"version"`
			Entries []struct {
				Request struct {
					Method string `json:"method"`
					URL    string `json:"url"`
				} `json:"request"`
				Response struct {
					Status int `json:"status"`
				} `json:"response"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(har.Bytes(), &doc); err != nil || doc.Log.Version != "1.2" || len(doc.Log.Entries) != tr.Len() {
		t.Fatalf("HAR: %v version %q entries %d/%d", err, doc.Log.Version, len(doc.Log.Entries), tr.Len())
	}
	text := har.String()
	for v, where := range spy.secrets {
		if strings.Contains(text, v) {
			t.Errorf("the HAR holds the %s", where)
		}
	}
	if !strings.Contains(text, "[redacted") {
		t.Error("the HAR shows no redaction marker at all")
	}
}

func containsValue(m map[string]string, v string) bool {
	for _, x := range m {
		if x == v {
			return true
		}
	}
	return false
}
