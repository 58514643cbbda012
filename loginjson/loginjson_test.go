package loginjson_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/loginjson"
	"ssodesk/safe"
)

// jwt is an unsigned-looking JWT of claims (the document never checks a
// signature: it only decodes).
func jwt(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","kid":"key-1","typ":"JWT"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

// fixtureResult is a login with every field of the document set.
func fixtureResult() (*auth.Result, *auth.Report) {
	at := time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	idToken := jwt(`{"iss":"https://eu.idp.test","sub":"user-1","aud":"ssodesk-demo","azp":"ssodesk-demo","exp":1796680800,"iat":1796677200,"auth_time":1796677190,"tenantid":"t-1","api":"https://eu.api.test/v1","region":"eu","name":"A \u001b[31mB","amr":["pwd"]}`)
	access := jwt(`{"iss":"https://eu.idp.test","sub":"user-1","exp":1796680800,"nbf":1796677200,"scope":"openid profile"}`)
	rep := &auth.Report{Issuer: "https://eu.idp.test", Region: "eu", JWKSURL: "https://eu.idp.test/keys", KeyID: "key-1", Refetched: true,
		Checks: []check.Row{{Name: "issuer", Status: check.Pass, Detail: "on the allow-list"},
			{Name: "expiry", Status: check.Warn, Detail: "soon", At: at.Add(time.Hour)}, {Name: "nonce", Status: check.Skip, Detail: "none"}}}
	accessRep := &auth.Report{Issuer: "https://eu.idp.test", Checks: []check.Row{{Name: "signature", Status: check.Fail, Detail: "unknown kid"}}}
	r := &auth.Result{
		Region:      config.Region{Name: "global", Issuer: "https://global.idp.test", Env: "production"},
		CodeRegion:  "eu",
		ExchangedAt: config.Region{Name: "global", Issuer: "https://global.idp.test"},
		AppHost:     "https://app-eu.example.com",
		Issuer:      "https://eu.idp.test",
		Token:       &oauth2.Token{AccessToken: access, RefreshToken: "opaque-refresh", TokenType: "Bearer", Expiry: at.Add(time.Hour)},
		RawIDToken:  idToken,
		Report:      rep,
		Scopes:      []string{"openid", "profile"},
		ScopesFrom:  "token response",
		Started:     at,
		Finished:    at.Add(1500 * time.Millisecond),
		Notes:       []string{"a note"},
		ClientID:    "ssodesk-demo",
	}
	r.Claims = map[string]any{"tenantid": "t-1", "api": "https://eu.api.test/v1", "region": "eu", "name": "A B", "sub": "user-1"}
	r.Header = map[string]any{"alg": "RS256", "kid": "key-1", "typ": "JWT"}
	return r, accessRep
}

// encode writes v as `ssodesk login --json` does (cli.writeJSON).
func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(safe.JSON(b), '\n')
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDocumentBytes: the document of a login is, byte for byte, the one
// auth.View wrote before the type moved here (testdata/login.json was
// written by it): the same field names, order and omissions — plus, at its
// end, environment and client_id (issue 22: report --from names them).
func TestDocumentBytes(t *testing.T) {
	r, access := fixtureResult()
	d := loginjson.Of(r, r.Finished, access)
	d.Notes = append(append([]string(nil), r.Notes...), "cli note")
	if got, want := encode(t, d), read(t, "testdata/login.json"); !bytes.Equal(got, want) {
		t.Errorf("login --json changed:\n got %s\nwant %s", got, want)
	}
}

// TestRoundTrip: a saved document read back (as `report --from` reads it:
// numbers as json.Number) and written again is the same bytes, so the one
// type holds every field login --json writes.
// A verification's checks say "pass" (not check's "ok") and "skip" for a
// check not run.
func TestVerificationWords(t *testing.T) {
	r := &auth.Report{Checks: []check.Row{{Name: "issuer", Status: check.Pass}, {Name: "nonce"}}}
	if v := loginjson.VerificationOf(r); v.Checks[0].Status != "pass" || v.Checks[1].Status != "skip" || !v.OK {
		t.Errorf("verification %+v", v)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"testdata/login.json", "testdata/login-min.json"} {
		want := read(t, name)
		var d loginjson.Document
		dec := json.NewDecoder(bytes.NewReader(want))
		dec.UseNumber()
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := encode(t, d); !bytes.Equal(got, want) {
			t.Errorf("%s does not round-trip:\n got %s\nwant %s", name, got, want)
		}
	}
}

// TestDecodeToken: no token is nil; an opaque and a malformed one say so.
func TestDecodeToken(t *testing.T) {
	now := time.Now()
	if v := loginjson.DecodeToken("", now); v != nil {
		t.Errorf("empty: %+v", v)
	}
	if v := loginjson.DecodeToken("opaque-token", now); v == nil || v.Kind != "opaque" || v.Bytes != 12 {
		t.Errorf("opaque: %+v", v)
	}
	bad := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + ".bm90IGpzb24.c2ln"
	if v := loginjson.DecodeToken(bad, now); v == nil || v.Kind != "malformed" || v.Error == "" {
		t.Errorf("malformed: %+v", v)
	}
	if v := loginjson.VerificationOf(nil); v != nil {
		t.Errorf("nil report: %+v", v)
	}
}
