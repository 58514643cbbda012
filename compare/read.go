package compare

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/diagnose"
	"ssodesk/safe"
	"ssodesk/transport"
)

// facts are what one endpoint served.
type facts struct {
	discovery map[string]any
	discErr   error // nil: discovery was read
	keys      []key
	jwksErr   error
	tls       transport.TLSFacts
	tlsOK     bool           // false: plain http (or no answer)
	skew      *time.Duration // its Date header minus this clock; nil without one
	preflight *auth.Preflight
	clientID  string
}

// key is one JWKS key as the diff sees it.
type key struct {
	Kid, Kty, Alg, Use, Crv, N string
}

// desc is the key's type, algorithm and size or curve ("RS256 RSA 2048",
// "ES256 EC P-256").
func (k key) desc() string {
	parts := []string{cmp.Or(k.Alg, "(no alg)"), k.Kty}
	switch {
	case k.Kty == "RSA" && k.N != "":
		if n, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.N, "=")); err == nil {
			parts = append(parts, strconv.Itoa(new(big.Int).SetBytes(n).BitLen()))
		}
	case k.Crv != "":
		parts = append(parts, k.Crv)
	}
	return strings.Join(parts, " ")
}

// ErrNoJWKS: discovery names no jwks_uri.
var ErrNoJWKS = errors.New("discovery names no jwks_uri")

// read reads r's discovery, JWKS and pre-flight for e's client.
func read(ctx context.Context, client *http.Client, e config.Environment, r config.Region, o Options) facts {
	f := facts{clientID: e.ClientID}
	docURL := strings.TrimSuffix(r.Issuer, "/") + "/.well-known/openid-configuration"
	resp, body, err := fetch(ctx, client, "discovery", docURL, o.Timeout)
	if resp != nil {
		f.tls, f.tlsOK = transport.TLSOf(resp.TLS)
		if skew, ok := transport.ClockSkew(resp.Header.Get("Date"), o.Now()); ok {
			f.skew = &skew
		}
	}
	if err == nil {
		err = decode(body, &f.discovery)
	}
	if f.discErr = err; err != nil {
		return f
	}
	f.keys, f.jwksErr = readKeys(ctx, client, f.discovery, o.Timeout)
	if authURL, _ := f.discovery["authorization_endpoint"].(string); authURL != "" && e.ClientID != "" {
		pctx, cancel := withTimeout(ctx, o.Timeout)
		defer cancel()
		f.preflight = diagnose.Preflight(pctx, client, preflightOptions(e), authURL)
	}
	return f
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// fetch is diagnose.Fetch within timeout.
func fetch(ctx context.Context, client *http.Client, purpose, url string, timeout time.Duration) (*http.Response, []byte, error) {
	ctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	return diagnose.Fetch(ctx, client, purpose, url)
}

// decode reads one JSON object (numbers kept as written).
func decode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return dec.Decode(v)
}

func readKeys(ctx context.Context, client *http.Client, doc map[string]any, timeout time.Duration) ([]key, error) {
	u, _ := doc["jwks_uri"].(string)
	if u == "" {
		return nil, ErrNoJWKS
	}
	_, body, err := fetch(ctx, client, "jwks", u, timeout)
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []key `json:"keys"`
	}
	if err := decode(body, &set); err != nil {
		return nil, err
	}
	for i, k := range set.Keys {
		set.Keys[i] = key{Kid: safe.Printable(k.Kid), Kty: safe.Printable(k.Kty), Alg: safe.Printable(k.Alg),
			Use: safe.Printable(k.Use), Crv: safe.Printable(k.Crv), N: k.N}
	}
	return set.Keys, nil
}
