package sim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// secretFlow runs, against s, a login at the global endpoint for an eu
// account (authorize, login page, callback, code exchange with
// offline_access), one refresh and a client-credentials grant at eu, and
// returns every secret the app held by name. "refresh token (live)" is the
// one refresh token still valid at the end.
func secretFlow(t *testing.T, s *Sim) map[string]string {
	t.Helper()
	global, eu := region(t, s, GlobalRegion), region(t, s, "eu")
	l := browserLogin(t, s, global, accountIn(t, s, "eu").ID, []string{"openid", "offline_access", APIScope})
	tok, err := l.exchange(testCtx(t), global)
	if err != nil {
		t.Fatal(err)
	}
	tok2, err := refresh(t, l.conf, global.TokenURL(), tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	id, secret := s.ServiceClient()
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: eu.TokenURL(), Scopes: []string{APIScope}, AuthStyle: oauth2.AuthStyleInParams}
	svc, err := cc.Token(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"code":                     l.code,
		"code verifier":            l.verifier,
		"access token":             tok.AccessToken,
		"ID token":                 idTokenOf(t, tok),
		"refresh token (rotated)":  tok.RefreshToken,
		"refreshed access token":   tok2.AccessToken,
		"refreshed ID token":       idTokenOf(t, tok2),
		"refresh token (live)":     tok2.RefreshToken,
		"client secret":            secret,
		"service access token":     svc.AccessToken,
		"service access token (2)": svc.AccessToken[len(svc.AccessToken)/2:], // a part is a copy too
	}
}

// retained walks root (through pointers, interfaces, structs, arrays,
// slices and maps, each pointer once) and returns, by secret name, the
// paths of every string or byte slice that contains that secret.
func retained(root any, secrets map[string]string) map[string][]string {
	type visit struct {
		p uintptr
		t reflect.Type
	}
	seen := map[visit]bool{}
	found := map[string][]string{}
	check := func(s, path string) {
		for name, v := range secrets {
			if strings.Contains(s, v) {
				found[name] = append(found[name], path)
			}
		}
	}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.String:
			check(v.String(), path)
		case reflect.Pointer, reflect.Map, reflect.Slice:
			if v.IsNil() {
				return
			}
			key := visit{v.Pointer(), v.Type()}
			if seen[key] {
				return
			}
			seen[key] = true
			switch v.Kind() {
			case reflect.Pointer:
				walk(v.Elem(), path)
			case reflect.Map:
				for it := v.MapRange(); it.Next(); {
					walk(it.Key(), path+"[key]")
					walk(it.Value(), path+"[…]")
				}
			case reflect.Slice:
				if v.Type().Elem().Kind() == reflect.Uint8 {
					check(string(v.Bytes()), path)
					return
				}
				for i := range v.Len() {
					walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
				}
			}
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Array:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return
			}
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	}
	walk(reflect.ValueOf(root), "")
	return found
}

// TestNoHooksKeepNoSecret: the product's sim (no Hooks) installs no
// recorder and, after a login with the scripted browser, a code exchange, a
// refresh and a client-credentials grant, holds no copy of any code,
// verifier or token anywhere in its state (zitadel's providers included)
// except the live refresh token in its grant storage and the service
// client's registered secret. The same scan of a sim with Hooks finds the
// secrets in the Hooks' log, so the scan would see a copy.
func TestNoHooksKeepNoSecret(t *testing.T) {
	s := startSim(t, Options{Regions: []string{GlobalRegion, "eu"}})
	if s.c.hooks != nil || s.c.opts.Hooks != nil {
		t.Fatal("a sim started without Hooks has Hooks")
	}
	secrets := secretFlow(t, s)
	found := retained(s.c, secrets)
	for name, paths := range found {
		allowed := func(p string) bool {
			switch name {
			case "refresh token (live)":
				return strings.HasPrefix(p, ".refreshTokens")
			case "client secret":
				return p == ".opts.ServiceClientSecret"
			}
			return false
		}
		for _, p := range paths {
			if !allowed(p) {
				t.Errorf("the sim without Hooks keeps the %s at %s", name, p)
			}
		}
	}
	if len(found["refresh token (live)"]) == 0 {
		t.Error("the scan did not find the live refresh token in the grant storage: it cannot see a copy")
	}

	// The positive control: with Hooks the same secrets are in the log.
	h := &Hooks{}
	hs := startSim(t, Options{Regions: []string{GlobalRegion, "eu"}, Hooks: h})
	secrets = secretFlow(t, hs)
	found = retained(hs.c, secrets)
	for name := range secrets {
		if !slices.ContainsFunc(found[name], func(p string) bool { return strings.HasSuffix(p, ".secrets[key]") }) {
			t.Errorf("the scan did not find the %s in the Hooks' log (found at %v)", name, found[name])
		}
	}
	// And Hooks see only their own sim: the traffic of s left no trace.
	if n := h.RegionRequests(GlobalRegion); n == 0 {
		t.Error("Hooks counted no request of their own sim")
	}
	before := h.RegionRequests(GlobalRegion)
	for name, v := range secretFlow(t, s) {
		if name != "client secret" && slices.Contains(h.Secrets(), v) { // both sims have the default one
			t.Errorf("Hooks recorded the %s of another sim", name)
		}
	}
	if after := h.RegionRequests(GlobalRegion); after != before {
		t.Errorf("Hooks counted %d requests of another sim", after-before)
	}
}

func TestHooksRecordSecrets(t *testing.T) {
	h := &Hooks{}
	s := startSim(t, Options{Regions: []string{GlobalRegion, "eu"}, Hooks: h})
	secrets := secretFlow(t, s)
	got := h.Secrets()
	for name, v := range secrets {
		if name == "service access token (2)" {
			continue
		}
		if !slices.Contains(got, v) {
			t.Errorf("Secrets() lacks the %s", name)
		}
	}
	if !slices.IsSorted(got) {
		t.Error("Secrets() is not sorted")
	}
}

func TestHooksAttach(t *testing.T) {
	h := &Hooks{}
	if _, err := h.RotateKey("eu"); err == nil {
		t.Error("RotateKey before Start succeeded")
	}
	if err := h.SetGlobalExchangeIssuer(IssuerRegional); err == nil {
		t.Error("SetGlobalExchangeIssuer before Start succeeded")
	}
	if ids := h.KeyIDs("eu"); ids != nil {
		t.Errorf("KeyIDs before Start = %v", ids)
	}
	if err := h.TamperRefresh("sometimes"); err == nil {
		t.Error("TamperRefresh accepted an unknown mode")
	}
	// A failed Start leaves the Hooks free.
	if s, err := Start(context.Background(), Options{Regions: []string{"Bad"}, Hooks: h}); err == nil {
		s.Close()
		t.Fatal("Start accepted a bad region")
	}
	s := startSim(t, Options{Regions: []string{GlobalRegion}, Hooks: h})
	if ids := h.KeyIDs(GlobalRegion); len(ids) != 1 {
		t.Errorf("KeyIDs = %v", ids)
	}
	if s2, err := Start(context.Background(), Options{Regions: []string{GlobalRegion}, Hooks: h}); err == nil {
		s2.Close()
		t.Error("Start accepted Hooks that belong to another Sim")
	}
	if err := h.TamperRefresh(TamperOtherIss); err == nil {
		t.Error("TamperRefresh(other-iss) accepted with one region")
	}
	_ = s
}

func TestHooksCountRequests(t *testing.T) {
	h := &Hooks{}
	s := startSim(t, Options{Regions: []string{GlobalRegion, "eu", "us"}, Hooks: h})
	global, eu := region(t, s, GlobalRegion), region(t, s, "eu")
	get := func(u string, token string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(testCtx(t), http.MethodGet, u, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get(global.Issuer+"/.well-known/openid-configuration", "")
	get(global.Issuer+"/keys", "")
	l := browserLogin(t, s, global, accountIn(t, s, "eu").ID, []string{"openid", "offline_access", APIScope})
	tok, err := l.exchange(testCtx(t), global)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if tok, err = refresh(t, l.conf, global.TokenURL(), tok.RefreshToken); err != nil {
			t.Fatal(err)
		}
	}
	get(global.UserinfoURL(), tok.AccessToken)
	get(eu.API+"/me", tok.AccessToken)
	id, secret := s.ServiceClient()
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: eu.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
	if _, err := cc.Token(testCtx(t)); err != nil {
		t.Fatal(err)
	}

	want := map[string]map[string]int{
		GlobalRegion: {
			RequestDiscovery: 1, RequestJWKS: 1, RequestAuthorize: 1, RequestLogin: 2, RequestCallback: 1,
			RequestToken: 3, RequestTokenCode: 1, RequestTokenRefresh: 2, RequestTokenClientCredentials: 0,
			RequestUserinfo: 1, RequestAPI: 0, RequestOther: 0,
		},
		"eu": {
			RequestToken: 1, RequestTokenClientCredentials: 1, RequestAPI: 1,
			RequestDiscovery: 0, RequestJWKS: 0, RequestAuthorize: 0, RequestTokenRefresh: 0,
		},
		"us": {RequestToken: 0, RequestAPI: 0},
	}
	for r, kinds := range want {
		for kind, n := range kinds {
			if got := h.Requests(r, kind); got != n {
				t.Errorf("Requests(%s, %s) = %d, want %d", r, kind, got, n)
			}
		}
	}
	for r, n := range map[string]int{GlobalRegion: 10, "eu": 2, "us": 0, "mars": 0} {
		if got := h.RegionRequests(r); got != n {
			t.Errorf("RegionRequests(%s) = %d, want %d", r, got, n)
		}
	}

	// Concurrent requests are all counted.
	h.ResetRequests()
	if n := h.RegionRequests(GlobalRegion); n != 0 {
		t.Fatalf("after ResetRequests: %d", n)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { get(eu.Issuer+"/keys", ""); get(eu.API+"/nope", "") })
	}
	wg.Wait()
	if j, a, all := h.Requests("eu", RequestJWKS), h.Requests("eu", RequestAPI), h.RegionRequests("eu"); j != 20 || a != 20 || all != 40 {
		t.Errorf("20 concurrent JWKS and API requests counted as %d, %d (all %d)", j, a, all)
	}
}

// TestTamperRefresh: each mode changes the refreshed ID token (and only it)
// in the way it promises; code exchanges are left alone; "" resets.
func TestTamperRefresh(t *testing.T) {
	h := &Hooks{}
	s := startSim(t, Options{Regions: []string{GlobalRegion, "eu"}, Hooks: h})
	global, eu := region(t, s, GlobalRegion), region(t, s, "eu")
	acc := accountIn(t, s, "eu")
	l := browserLogin(t, s, global, acc.ID, []string{"openid", "offline_access", APIScope})
	tok, err := l.exchange(testCtx(t), global)
	if err != nil {
		t.Fatal(err)
	}
	globalJWKS, euJWKS := fetchJWKS(t, global), fetchJWKS(t, eu)
	refreshed := func(mode string) (idToken string, claims map[string]any) {
		t.Helper()
		if err := h.TamperRefresh(mode); err != nil {
			t.Fatal(err)
		}
		if tok, err = refresh(t, l.conf, global.TokenURL(), tok.RefreshToken); err != nil {
			t.Fatalf("refresh (%q): %v", mode, err)
		}
		// The access token is never tampered with.
		if resp, body := apiGet(t, eu.API+"/me", tok.AccessToken); resp.StatusCode != http.StatusOK {
			t.Errorf("%q: access token refused by the API: %d %s", mode, resp.StatusCode, body)
		}
		if _, c := jwtParts(t, tok.AccessToken); c["iss"] != global.Issuer || c["sub"] != acc.ID {
			t.Errorf("%q: access token iss %v sub %v", mode, c["iss"], c["sub"])
		}
		idToken = idTokenOf(t, tok)
		if !slices.Contains(h.Secrets(), idToken) {
			t.Errorf("%q: the ID token the app got is not in Secrets()", mode)
		}
		_, claims = jwtParts(t, idToken)
		return idToken, claims
	}

	raw, c := refreshed(TamperOtherSub)
	if c["sub"] == acc.ID || c["sub"] == "" || c["iss"] != global.Issuer {
		t.Errorf("other-sub: sub %v iss %v; want another sub, the global iss", c["sub"], c["iss"])
	}
	if err := verifyWithJWKS(t, globalJWKS, raw); err != nil {
		t.Errorf("other-sub: signature does not verify: %v", err)
	}

	raw, c = refreshed(TamperBadSignature)
	kid, _ := jwtParts(t, raw)
	if c["sub"] != acc.ID || c["iss"] != global.Issuer || !slices.Contains(h.KeyIDs(GlobalRegion), kid) {
		t.Errorf("bad-signature: sub %v iss %v kid %s; want them unchanged", c["sub"], c["iss"], kid)
	}
	if err := verifyWithJWKS(t, globalJWKS, raw); err == nil {
		t.Error("bad-signature: the token verifies against the JWKS")
	}
	if err := verifyWithJWKS(t, euJWKS, raw); err == nil {
		t.Error("bad-signature: the token verifies against eu's JWKS")
	}

	raw, c = refreshed(TamperOtherIss)
	kid, _ = jwtParts(t, raw)
	if c["iss"] != eu.Issuer || c["sub"] != acc.ID || !slices.Contains(h.KeyIDs("eu"), kid) {
		t.Errorf("other-iss: iss %v sub %v kid %s; want eu's iss and key", c["iss"], c["sub"], kid)
	}
	if err := verifyWithJWKS(t, euJWKS, raw); err != nil {
		t.Errorf("other-iss: signature does not verify with eu's JWKS: %v", err)
	}

	// A code exchange is not a refresh: untouched while a mode is set.
	l2 := browserLogin(t, s, global, acc.ID, []string{"openid", "offline_access", APIScope})
	tok2, err := l2.exchange(testCtx(t), global)
	if err != nil {
		t.Fatal(err)
	}
	verifyIDToken(t, s, global, tok2, l2.nonce)

	if err := h.TamperRefresh(""); err != nil {
		t.Fatal(err)
	}
	if tok, err = refresh(t, l.conf, global.TokenURL(), tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if idt, _ := verifyIDToken(t, s, global, tok, ""); idt.Subject != acc.ID {
		t.Errorf("after reset: sub %s", idt.Subject)
	}
}

// Hooks.Advance moves the stand-in's clock: a code older than its lifetime
// is refused, tokens issued afterwards expire that much later (exp and
// expires_in), and the API refuses an access token past its exp. No sleep.
func TestHooksAdvanceTheClock(t *testing.T) {
	h := &Hooks{}
	s, err := Start(testCtx(t), Options{Regions: []string{GlobalRegion, "eu"}, Hooks: h})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := h.Advance(0); err == nil {
		t.Error("Advance(0) accepted")
	}
	if err := (&Hooks{}).Advance(time.Second); err == nil {
		t.Error("Advance on Hooks of no Sim accepted")
	}
	global, eu := region(t, s, GlobalRegion), region(t, s, "eu")
	scopes := []string{"openid", "offline_access", APIScope}
	acct := accountIn(t, s, "eu").ID

	// A code is good for codeTTL by the stand-in's clock.
	l := browserLogin(t, s, global, acct, scopes)
	if err := h.Advance(codeTTL + time.Second); err != nil {
		t.Fatal(err)
	}
	var re *oauth2.RetrieveError
	if _, err := l.exchange(testCtx(t), global); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("a code past its lifetime: %v, want invalid_grant", err)
	}

	expOf := func(tok *oauth2.Token) time.Time {
		idt, _ := verifyIDToken(t, s, global, tok, l.nonce)
		return idt.Expiry
	}
	l = browserLogin(t, s, global, acct, scopes)
	tok, err := l.exchange(testCtx(t), global)
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := apiGet(t, eu.API+"/me", tok.AccessToken); resp.StatusCode != http.StatusOK {
		t.Fatalf("fresh access token at the API: %d %s", resp.StatusCode, body)
	}
	exp1, in1 := expOf(tok), tok.ExpiresIn
	if err := h.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	tok2, err := refresh(t, l.conf, global.TokenURL(), tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	// The refreshed ID token has no nonce; verify it without one.
	l.nonce = ""
	if exp2 := expOf(tok2); exp2.Sub(exp1) < time.Minute {
		t.Errorf("ID token exp %v after a minute on the stand-in's clock, was %v", exp2, exp1)
	}
	if tok2.ExpiresIn < in1+59 {
		t.Errorf("expires_in %d after a minute on the stand-in's clock, was %d", tok2.ExpiresIn, in1)
	}

	// The first access token expires an hour after it was issued (59 minutes
	// after the refresh, which came a minute later).
	if err := h.Advance(59 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if resp, body := apiGet(t, eu.API+"/me", tok.AccessToken); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("access token past its exp at the API: %d %s", resp.StatusCode, body)
	}
	if resp, body := apiGet(t, eu.API+"/me", tok2.AccessToken); resp.StatusCode != http.StatusOK {
		t.Errorf("the refreshed one, a minute from its exp: %d %s", resp.StatusCode, body)
	}
}
