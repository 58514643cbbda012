package sim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
)

// TestAuthorizeRefusals: like IdentityServer, the stand-in refuses an
// unknown client, an unregistered redirect URI, a disallowed scope and an
// unsupported response type with 302 /home/error?errorId=…, a page with the
// message and a Request Id; the app's redirect URI never hears of it.
func TestAuthorizeRefusals(t *testing.T) {
	global := region(t, shared, GlobalRegion)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	app := srv.URL + "/callback" // a registered URI (127.0.0.1, any port)
	service, _ := shared.ServiceClient()
	for _, tc := range []struct {
		name   string
		params url.Values
		want   []string
	}{
		{"unknown client", url.Values{"client_id": {"nobody"}, "redirect_uri": {app}}, []string{"unauthorized_client", "Unknown client or client not enabled"}},
		{"service client", url.Values{"client_id": {service}, "redirect_uri": {app}}, []string{"unauthorized_client", "Invalid grant type for client"}},
		{"unregistered redirect", url.Values{"redirect_uri": {"http://127.0.0.1:41234/elsewhere"}}, []string{"unauthorized_client", "Invalid redirect_uri"}},
		{"disallowed scope", url.Values{"redirect_uri": {app}, "scope": {"openid admin.everything"}}, []string{"invalid_scope", "admin.everything"}},
		{"response type", url.Values{"redirect_uri": {app}, "response_type": {"token"}}, []string{"unsupported_response_type"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := global.AuthorizeURL() + "?" + authorizeQuery(tc.params).Encode()
			resp, err := noRedirect.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, _ := resp.Location()
			if resp.StatusCode != http.StatusFound || loc == nil || loc.Path != errorPath || loc.Query().Get("errorId") == "" || loc.Host != resp.Request.URL.Host {
				t.Fatalf("status %d Location %v, want 302 to %s?errorId=… on the same host", resp.StatusCode, loc, errorPath)
			}
			page, err := noRedirect.Get(loc.String())
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(page.Body)
			page.Body.Close()
			if page.StatusCode != http.StatusOK {
				t.Errorf("error page status %d", page.StatusCode)
			}
			for _, w := range append(tc.want, "Sorry, there was an error") {
				if !strings.Contains(string(body), w) {
					t.Errorf("error page lacks %q:\n%s", w, body)
				}
			}
			if !regexp.MustCompile(`Request Id: 0HN[A-Z0-9]{10}:00000001`).Match(body) {
				t.Errorf("error page has no Request Id:\n%s", body)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the app's redirect URI was called %d times", n)
	}
}

// TestErrorPageForgedID: an errorId the stand-in did not seal shows the bare
// page, never text from the URL.
func TestErrorPageForgedID(t *testing.T) {
	global := region(t, shared, GlobalRegion)
	resp, err := noRedirect.Get(global.Issuer + errorPath + "?errorId=" + url.QueryEscape("<script>x</script>"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Sorry, there was an error") ||
		strings.Contains(string(body), "script") || strings.Contains(string(body), "Request Id") {
		t.Errorf("forged errorId: %d\n%s", resp.StatusCode, body)
	}
}

func TestRedirectRegistered(t *testing.T) {
	reg := []string{"http://127.0.0.1/callback", "http://127.0.0.1:8765/fixed"}
	for uri, ok := range map[string]bool{
		"http://127.0.0.1:1/callback":     true,
		"http://127.0.0.1:8765/fixed":     true,
		"http://127.0.0.1:8766/fixed":     false, // registered with a port: that port only
		"http://localhost:1/callback":     false, // another host
		"http://127.0.0.1:1/callback#x":   false,
		"http://u@127.0.0.1:1/callback":   false,
		"http://127.0.0.1:1/Callback":     false,
		"http://127.0.0.1:1/callback/../": false,
		"":                                false,
	} {
		if got := redirectRegistered(reg, uri); got != ok {
			t.Errorf("redirectRegistered(%q) = %v, want %v", uri, got, ok)
		}
	}
}

// authorizeQuery is a valid authorize request of the demo client, with
// params replacing its values.
func authorizeQuery(params url.Values) url.Values {
	q := url.Values{
		"client_id": {shared.ClientID()}, "response_type": {"code"}, "scope": {"openid"},
		"redirect_uri": {"http://127.0.0.1:41234/callback"}, "state": {"s1"},
	}
	for k, v := range params {
		q[k] = v
	}
	return q
}
