package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"ssodesk/check"
)

// waitPrefetch waits until the verifier's prefetch of issuer has ended.
func waitPrefetch(t *testing.T, v *Verifier, issuer string) {
	t.Helper()
	v.mu.Lock()
	f := v.pending[issuer]
	v.mu.Unlock()
	if f == nil {
		t.Fatal("prefetch started no fetch")
	}
	select {
	case <-f.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the prefetch did not end")
	}
}

// The keys a login fetches while the browser is busy serve the ID token's
// verification: one JWKS request, made before the token arrives.
func TestPrefetchedKeysVerifyTheToken(t *testing.T) {
	idp := newTestIdP(t)
	k := newTestKey(t, "k1")
	idp.publish(k)
	v := NewVerifier(idp.srv.Client(), map[string]string{idp.srv.URL: "eu"}, time.Minute)
	ctx := context.Background()
	v.prefetch(ctx, idp.srv.URL)
	v.prefetch(ctx, idp.srv.URL) // already coming: no second fetch
	waitPrefetch(t, v, idp.srv.URL)
	if idp.hits() != 1 {
		t.Fatalf("JWKS requests after the prefetch = %d, want 1", idp.hits())
	}
	r := v.Verify(ctx, sign(t, k, goodClaims(idp.srv.URL, time.Now())), Expect{ClientID: testClient, Nonce: "n-123"})
	checkStatus(t, r, "signature", check.Pass, "")
	if idp.hits() != 1 {
		t.Errorf("JWKS requests after verifying = %d, want 1 (the prefetched keys)", idp.hits())
	}
	v.prefetch(ctx, idp.srv.URL) // cached: nothing to fetch
	if v.pending[idp.srv.URL] != nil || idp.hits() != 1 {
		t.Errorf("a prefetch of cached keys fetched again (%d requests)", idp.hits())
	}
}

// A prefetch that failed does not speak for the verification: the keys are
// fetched again, and the report says what holds then.
func TestFailedPrefetchIsFetchedAgain(t *testing.T) {
	idp := newTestIdP(t)
	k := newTestKey(t, "k1")
	idp.publish(k)
	idp.jwksFail = true
	v := NewVerifier(idp.srv.Client(), map[string]string{idp.srv.URL: "eu"}, time.Minute)
	ctx := context.Background()
	v.prefetch(ctx, idp.srv.URL)
	waitPrefetch(t, v, idp.srv.URL)
	idp.mu.Lock()
	idp.jwksFail = false
	idp.mu.Unlock()
	r := v.Verify(ctx, sign(t, k, goodClaims(idp.srv.URL, time.Now())), Expect{ClientID: testClient, Nonce: "n-123"})
	checkStatus(t, r, "signature", check.Pass, "")
	if idp.hits() != 2 {
		t.Errorf("JWKS requests = %d, want 2 (the failed prefetch, then the verification's)", idp.hits())
	}

	// Still failing: the verification's own request is the one reported.
	v2 := NewVerifier(idp.srv.Client(), map[string]string{idp.srv.URL: "eu"}, time.Minute)
	idp.mu.Lock()
	idp.jwksFail = true
	idp.mu.Unlock()
	v2.prefetch(ctx, idp.srv.URL)
	waitPrefetch(t, v2, idp.srv.URL)
	r = v2.Verify(ctx, sign(t, k, goodClaims(idp.srv.URL, time.Now())), Expect{ClientID: testClient, Nonce: "n-123"})
	checkStatus(t, r, "signature", check.Fail, "503")
}

// The endpoints warning of discovery survives the JWKS fetch: a second
// verification (a refresh's) warns as the first did.
func TestEndpointsWarningOutlivesTheKeyFetch(t *testing.T) {
	k := newTestKey(t, "k1")
	srv := discoveryIdP(t, k, func(_ string, d map[string]any) { d["userinfo_endpoint"] = "https://other.example/userinfo" })
	v := NewVerifier(srv.Client(), map[string]string{srv.URL: "eu"}, time.Minute)
	for i := range 2 {
		r := v.Verify(context.Background(), sign(t, k, goodClaims(srv.URL, time.Now())), Expect{ClientID: testClient, Nonce: "n-123"})
		checkStatus(t, r, "endpoints", check.Warn, "userinfo_endpoint https://other.example/userinfo")
		if t.Failed() {
			t.Fatalf("verification %d", i+1)
		}
	}
}

// settle returns only once the prefetch has ended: a login that returns
// leaves no JWKS read of its own under way (its trace is complete).
func TestSettleWaitsForThePrefetch(t *testing.T) {
	gate := make(chan struct{})
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/keys" {
			<-gate
			_, _ = w.Write([]byte(`{"keys":[]}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys",
			"authorization_endpoint": srv.URL + "/authorize", "token_endpoint": srv.URL + "/token"})
	}))
	defer srv.Close()
	v := NewVerifier(srv.Client(), map[string]string{srv.URL: "eu"}, time.Minute)
	v.prefetch(context.Background(), srv.URL)
	v.mu.Lock()
	f := v.pending[srv.URL]
	v.mu.Unlock()
	settled := make(chan struct{})
	go func() { v.settle(); close(settled) }()
	select {
	case <-settled:
		t.Fatal("settled while the JWKS read was still waiting for its answer")
	default:
	}
	close(gate)
	<-settled
	select {
	case <-f.done:
	default:
		t.Fatal("settle returned before the prefetch ended")
	}
	v.settle() // nothing under way: returns at once
}
