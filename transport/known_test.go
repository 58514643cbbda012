package transport

import (
	"net/http"
	"strings"
	"testing"
)

// A secret found in one exchange is replaced in every later one, under
// whatever name it comes back (camelCase, inside a note, a header); one told
// later is replaced in those already recorded; X-Access-Token and
// X-Refresh-Token headers and id_token_hint are redacted (issue 22, items 15
// and 19).
func TestKnownSecretsAcrossExchanges(t *testing.T) {
	told := "told-refresh-token-TTT-0042"
	srv := newLocalServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"access_token":"` + secAccess + `","refresh_token":"` + secRefresh + `","id_token":"` + secID + `"}`))
		case "/userinfo":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Access-Token", "hdr-access-token-HHH-1")
			w.Header().Set("X-Refresh-Token", "hdr-refresh-token-HHH-2")
			w.Header().Set("X-Debug", "id="+secID)
			w.Write([]byte(`{"sub":"u1","idToken":"` + secID + `","debug":{"note":"rt=` + secRefresh + ` code=` + secCode +
				`"},"old":"` + told + `"}`))
		case "/api":
			w.Write([]byte("echo: verifier " + secVerifier + " and " + told))
		}
	}))
	c, tr := newTraced(t, Options{})
	do(t, c, nil, http.MethodPost, srv.URL+"/token", strings.NewReader("grant_type=authorization_code&code="+secCode+"&code_verifier="+secVerifier),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	do(t, c, nil, http.MethodGet, srv.URL+"/userinfo", nil, nil)
	do(t, c, nil, http.MethodGet, srv.URL+"/api?id_token_hint=hint-id-token-III-9", nil, nil)
	tr.AddSecrets(told)
	var all strings.Builder
	for _, e := range tr.Entries() {
		all.WriteString(e.URL + e.Error + e.RequestBody + e.ResponseBody)
		for _, h := range []http.Header{e.RequestHeader, e.ResponseHeader} {
			for k, vs := range h {
				all.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
			}
		}
	}
	text := all.String()
	for _, sec := range []string{secAccess, secRefresh, secID, secCode, secVerifier, told, "hdr-access-token-HHH-1", "hdr-refresh-token-HHH-2", "hint-id-token-III-9"} {
		if strings.Contains(text, sec) {
			t.Errorf("the trace shows %q", sec)
		}
	}
	// The positive control: the text is there, only the secrets are not.
	mustContain(t, "the trace", text, `"idToken":"[redacted`, "rt=[redacted", "echo: verifier [redacted", "id_token_hint=[redacted")
	if got := tr.Secrets().Scrub("a report says " + secRefresh); strings.Contains(got, secRefresh) {
		t.Errorf("Secrets().Scrub left the refresh token: %s", got)
	}
}
