package compare_test

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"ssodesk/compare"
	"ssodesk/loginjson"
)

func jwt(header, claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(claims)) + ".c2ln"
}

// doc is a login document as `login --json` writes it, of an ID token with
// claims and an opaque access token.
func doc(env, endpoint, issuer, kid, claims, access string) *loginjson.Document {
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	id := jwt(`{"alg":"RS256","kid":"`+kid+`","typ":"JWT"}`, claims)
	d := &loginjson.Document{Environment: env, Region: endpoint, Endpoint: issuer, Issuer: issuer, ClientID: "ssodesk-demo",
		Scopes: []string{"openid", "profile", "noah.cloud.app.users.api"},
		Tokens: loginjson.Tokens{AccessToken: access, IDToken: id, RefreshToken: "refresh-" + kid},
		Story:  "You logged in at the " + env + " " + endpoint + " endpoint."}
	d.IDToken, d.AccessToken = loginjson.DecodeToken(id, now), loginjson.DecodeToken(access, now)
	var c map[string]any
	json.Unmarshal([]byte(claims), &c)
	d.TenantID, _ = c["tenantid"].(string)
	d.API, _ = c["api"].(string)
	return d
}

func changedItems(d *compare.SessionDiff) []string {
	var out []string
	for _, s := range d.Sections {
		for _, it := range s.Items {
			if it.Differs() {
				out = append(out, s.Name+"/"+it.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

func item(t *testing.T, d *compare.SessionDiff, section, name string) compare.Item {
	t.Helper()
	for _, s := range d.Sections {
		for _, it := range s.Items {
			if s.Name == section && it.Name == name {
				return it
			}
		}
	}
	t.Fatalf("no %s/%s", section, name)
	return compare.Item{}
}

const euClaims = `{"iss":"https://idp-eu.himsa-sso.com","sub":"user-1","aud":"ssodesk-demo","exp":%d,"iat":%d,"tenantid":"t-1","api":"https://api-eu.example/v1","region":"eu","name":"Mette"}`

func claims(format string, iat int64) string {
	return strings.NewReplacer("%d,\"iat\":%d", itoa(iat+3600)+",\"iat\":"+itoa(iat)).Replace(format)
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// The same user before and after a refresh: exp and iat changed (as
// times), the token fingerprints and the jti changed (expected: not
// counted), everything else the same.
func TestSessionsBeforeAfterRefresh(t *testing.T) {
	iss := "https://idp-eu.himsa-sso.com"
	a := doc("production", "eu", iss, "k1", claims(euClaims, 1796690000), "opaque-access-1")
	b := doc("production", "eu", iss, "k1", strings.Replace(claims(euClaims, 1796693600), `"sub"`, `"jti":"j-2","sub"`, 1), "opaque-access-2")
	a.IDToken.Claims["jti"] = "j-1"
	d := compare.Sessions(a, b)
	want := []string{"id_token/exp", "id_token/iat"}
	if got := changedItems(d); !slices.Equal(got, want) {
		t.Fatalf("changed %q, want %q", got, want)
	}
	exp := item(t, d, compare.SectionIDToken, "exp")
	if exp.A.Time == nil || exp.B.Time == nil || exp.B.Time.Sub(*exp.A.Time) != time.Hour || exp.A.Text != "2026-12-08T01:33:20Z" {
		t.Errorf("exp is not compared as times: %+v %+v", exp.A, exp.B)
	}
	if it := item(t, d, compare.SectionLifetimes, "id_token"); it.Mark != compare.Same || it.A.Text != "1h0m0s" {
		t.Errorf("lifetime %+v %+v", it, it.A)
	}
	if d.Differences() != len(want) {
		t.Errorf("Differences() = %d", d.Differences())
	}
	for _, e := range [][2]string{{compare.SectionIDToken, "jti"}, {compare.SectionTokens, "access_token"}, {compare.SectionTokens, "id_token"}} {
		if it := item(t, d, e[0], e[1]); it.Mark != compare.Changed || !it.Expected {
			t.Errorf("%s/%s: %+v, want changed and expected", e[0], e[1], it)
		}
	}
	if it := item(t, d, compare.SectionTokens, "refresh_token"); it.Mark != compare.Same || it.Expected {
		t.Errorf("refresh_token: %+v", it)
	}
}

// Production against QA: issuer, tenant, api, endpoint and environment
// changed; a claim only one side has is added or removed; no token value
// appears anywhere in the diff.
func TestSessionsProductionQA(t *testing.T) {
	a := doc("production", "eu", "https://idp-eu.himsa-sso.com", "prod-k", claims(euClaims, 1796690000), "opaque-prod")
	qaClaims := strings.NewReplacer("idp-eu.himsa-sso.com", "idp-qa-eu.himsa-sso.com", `"t-1"`, `"t-qa"`, "api-eu.example", "api-qa-eu.example",
		`,"name":"Mette"`, `,"noahroleid":"1"`).Replace(euClaims)
	b := doc("qa", "eu", "https://idp-qa-eu.himsa-sso.com", "qa-k", claims(qaClaims, 1796690000), "opaque-qa")
	d := compare.Sessions(a, b)
	got := changedItems(d)
	for _, w := range []string{"session/environment", "session/endpoint_url", "session/issuer", "session/tenantid", "session/api",
		"session/story", "id_token/iss", "id_token/tenantid", "id_token/api", "id_token/name", "id_token/noahroleid",
		"signing keys/id_token iss", "signing keys/id_token kid"} {
		if !slices.Contains(got, w) {
			t.Errorf("%s not found changed in %q", w, got)
		}
	}
	for _, same := range []string{"session/endpoint", "session/client_id", "id_token/sub", "id_token/exp", "scopes/granted", "signing keys/id_token alg"} {
		if slices.Contains(got, same) {
			t.Errorf("%s reported changed", same)
		}
	}
	if it := item(t, d, compare.SectionIDToken, "name"); it.Mark != compare.Removed || it.A.Text != "Mette" || it.B != nil {
		t.Errorf("name: %+v", it)
	}
	if it := item(t, d, compare.SectionIDToken, "noahroleid"); it.Mark != compare.Added {
		t.Errorf("noahroleid: %+v", it)
	}
	out, _ := json.Marshal(d)
	for _, secret := range []string{a.Tokens.IDToken, b.Tokens.IDToken, "opaque-prod", "opaque-qa", "refresh-prod-k"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("the diff holds a token value %.20s…", secret)
		}
	}
	if d.A.Environment != "production" || d.B.Environment != "qa" || d.B.Story == "" {
		t.Errorf("sides %+v %+v", d.A, d.B)
	}
}

// Claims from outside are made printable.
func TestSessionsPrintable(t *testing.T) {
	a := doc("production", "eu", "https://x", "k", `{"name":"A\u001b[31mB"}`, "x")
	b := doc("production", "eu", "https://x", "k", `{"name":"A"}`, "x")
	it := item(t, compare.Sessions(a, b), compare.SectionIDToken, "name")
	if strings.ContainsRune(it.A.Text, 0x1b) {
		t.Errorf("escape kept: %q", it.A.Text)
	}
}
