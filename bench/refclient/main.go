// Command refclient is the yardstick of bench/run.sh's login benchmark: the
// minimal OIDC Authorization Code + PKCE login a Go programmer would write
// with golang.org/x/oauth2 and github.com/coreos/go-oidc/v3 and nothing
// else — no config file, no trace, no progress, no session store.
//
// It does what `ssodesk login --json` does, in the same order: discovery,
// a loopback listener on 127.0.0.1 (random port), the browser started from
// $BROWSER with the authorize URL appended (PKCE S256, state, nonce), the
// callback, the code exchange, and verification of the ID token (signature
// against the JWKS, issuer, audience, expiry, nonce, at_hash); then it
// prints the tokens and claims as JSON on stdout.
//
// With -issuers (a comma list of allowed issuers, HIMSA's regional ones:
// a login at the global endpoint may come back with an ID token whose iss
// is the code's region), the ID token is verified against the issuer it
// names when that issuer is listed: its discovery and keys are read then,
// after the exchange, with go-oidc, as a plain client would (issue 26).
//
//	BROWSER="ssodesk sim browse --account mette.sorensen@nordlyd-hoerecenter.dk" \
//	  go run ./bench/refclient --issuer http://127.0.0.1:7400
//
// Exit code 0 on a verified login, 1 otherwise.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

func main() {
	issuer := flag.String("issuer", "", "issuer URL (required)")
	clientID := flag.String("client-id", "ssodesk-demo", "public client ID")
	scopes := flag.String("scopes", "openid profile noah.cloud.app.users.api", "scopes, space-separated")
	timeout := flag.Duration("timeout", 30*time.Second, "how long to wait for the browser")
	issuers := flag.String("issuers", "", "comma-separated issuers an ID token may name besides --issuer (a regional hand-off)")
	flag.BoolVar(&verbose, "v", false, "print each step on stderr (for comparing with ssodesk's progress lines)")
	flag.Parse()
	if *issuer == "" {
		fmt.Fprintln(os.Stderr, "refclient: --issuer is required")
		os.Exit(2)
	}
	if err := login(*issuer, *clientID, strings.Fields(*scopes), *timeout, splitList(*issuers)); err != nil {
		fmt.Fprintln(os.Stderr, "refclient:", err)
		os.Exit(1)
	}
}

var verbose bool

func splitList(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// tokenIssuer is the iss an ID token names, read without verifying it
// (only to pick which issuer's keys verify it).
func tokenIssuer(raw string) string {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Iss string `json:"iss"`
	}
	_ = json.Unmarshal(b, &c)
	return c.Iss
}

// step prints a progress line on stderr with -v.
func step(msg string) {
	if verbose {
		fmt.Fprintln(os.Stderr, "refclient:", msg)
	}
}

func login(issuer, clientID string, scopes []string, timeout time.Duration, allowed []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	step("read " + issuer + "/.well-known/openid-configuration")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	conf := oauth2.Config{
		ClientID:    clientID,
		Endpoint:    provider.Endpoint(),
		RedirectURL: "http://" + ln.Addr().String() + "/callback",
		Scopes:      scopes,
	}
	conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams // a public client

	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	type answer struct {
		code string
		err  error
	}
	done := make(chan answer, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case r.URL.Path != "/callback":
			http.NotFound(w, r)
			return
		case q.Get("state") != state:
			http.Error(w, "wrong state", http.StatusBadRequest)
			return
		case q.Get("error") != "":
			http.Error(w, "login failed", http.StatusBadRequest)
			select {
			case done <- answer{err: errors.New("the IdP answered " + q.Get("error"))}:
			default:
			}
			return
		}
		fmt.Fprintln(w, "Login complete. You can close this window.")
		select {
		case done <- answer{code: q.Get("code")}:
		default:
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
	}()

	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
	step("listening on " + conf.RedirectURL + "; opening the browser")
	if err := openBrowser(authURL); err != nil {
		return err
	}

	var a answer
	select {
	case a = <-done:
	case <-ctx.Done():
		return errors.New("no callback before the timeout")
	}
	if a.err != nil {
		return a.err
	}
	step("redirect received")

	tok, err := conf.Exchange(ctx, a.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return fmt.Errorf("exchange: %w", err)
	}
	step("tokens received")
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		return errors.New("no id_token in the token response")
	}
	verifyWith := provider
	if iss := tokenIssuer(rawID); iss != issuer && slices.Contains(allowed, iss) {
		// a regional hand-off: that issuer's discovery and keys verify it
		if verifyWith, err = oidc.NewProvider(ctx, iss); err != nil {
			return fmt.Errorf("discovery of %s: %w", iss, err)
		}
		step("read " + iss + "/.well-known/openid-configuration")
	}
	idt, err := verifyWith.Verifier(&oidc.Config{ClientID: clientID}).Verify(ctx, rawID)
	if err != nil {
		return fmt.Errorf("ID token: %w", err)
	}
	if idt.Nonce != nonce {
		return errors.New("ID token: nonce does not match")
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return fmt.Errorf("ID token: %w", err)
		}
	}
	step("ID token verified")
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{
		"issuer": idt.Issuer, "expiry": tok.Expiry, "claims": claims,
		"tokens": map[string]string{"access_token": tok.AccessToken, "id_token": rawID, "refresh_token": tok.RefreshToken},
	})
}

// openBrowser starts the first command of $BROWSER with the URL appended
// (or put where "%s" is), as ssodesk does, and does not wait for it.
func openBrowser(url string) error {
	entry, _, _ := strings.Cut(os.Getenv("BROWSER"), ":")
	args := strings.Fields(entry)
	if len(args) == 0 {
		return errors.New("$BROWSER is not set")
	}
	replaced := false
	for i, a := range args {
		if strings.Contains(a, "%s") {
			args[i] = strings.ReplaceAll(a, "%s", url)
			replaced = true
		}
	}
	if !replaced {
		args = append(args, url)
	}
	cmd := exec.Command(args[0], args[1:]...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the browser: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
