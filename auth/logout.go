package auth

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"ssodesk/config"
	"ssodesk/transport"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Endpoints are the session-ending endpoints an issuer's discovery names
// ("" when it names none).
type Endpoints struct {
	Revocation, EndSession, Introspection string
}

// Revoke revokes token (hint "refresh_token" or "access_token") at the
// revocation endpoint (RFC 7009), authenticating as the client: its ID, and
// its secret when it has one. IdentityServer answers 200 even for a token it
// does not know, so success proves little: see Refresh afterwards.
func (c *Client) Revoke(ctx context.Context, r *Result, endpoint, token, hint string) error {
	form := url.Values{"token": {token}, "token_type_hint": {hint}, "client_id": {cmp.Or(r.ClientID, c.o.ClientID)}}
	if c.o.ClientSecret != "" {
		form.Set("client_secret", c.o.ClientSecret)
	}
	resp, err := c.post(endpointContext(ctx, "revocation", r.issuerOf(), endpoint), endpoint, form, "")
	if err != nil {
		return fmt.Errorf("revocation at %s: %s", endpoint, cleanNetErr(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		sec := transport.NewSecrets(append(r.Secrets(), token, c.o.ClientSecret)...) // an answer may repeat the request
		return fmt.Errorf("revocation at %s answered %s: %s", endpoint, resp.Status, sec.Scrub(oauthError(resp.Body)))
	}
	return nil
}

// oauthError reads an OAuth error document's code and description, or the
// start of any other body.
func oauthError(body io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(body, 4096))
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(b, &e) == nil && e.Error != "" {
		return strings.TrimSuffix(e.Error+": "+e.Description, ": ")
	}
	return cmp.Or(strings.Join(strings.Fields(string(b)), " "), "(empty body)")
}

// EndSessionRequest is the browser's visit to the end-session endpoint.
type EndSessionRequest struct {
	URL   string // what the browser opens
	State string // what the IdP must send back
}

// EndSessionURL is the end-session URL of r (OIDC RP-Initiated Logout):
// id_token_hint (an expired one is fine), state, client_id and, when set,
// post_logout_redirect_uri (the IdP uses it only when it is registered).
// state is what the IdP must send back ("" picks one).
func (r *Result) EndSessionURL(endpoint, postLogoutRedirectURI, state string) EndSessionRequest {
	state = cmp.Or(state, rand.Text())
	q := url.Values{"state": {state}, "client_id": {r.ClientID}}
	if r.RawIDToken != "" {
		q.Set("id_token_hint", r.RawIDToken)
	}
	if postLogoutRedirectURI != "" {
		q.Set("post_logout_redirect_uri", postLogoutRedirectURI)
	}
	sep := "?"
	if strings.Contains(endpoint, "?") {
		sep = "&"
	}
	return EndSessionRequest{URL: endpoint + sep + q.Encode(), State: state}
}

// Introspection is what the IdP says of a token (RFC 7662).
type Introspection struct {
	Active   bool
	Scope    string
	ClientID string
	Subject  string
	Expiry   time.Time
}

// Introspect asks the introspection endpoint about token, authenticating as
// the API resource (IdentityServer: the API, not the client, introspects)
// with its name and secret.
func (c *Client) Introspect(ctx context.Context, r *Result, endpoint, token, resource, secret string) (*Introspection, error) {
	resp, err := c.post(endpointContext(ctx, "introspection", r.issuerOf(), endpoint), endpoint,
		url.Values{"token": {token}}, resource, secret)
	if err != nil {
		return nil, fmt.Errorf("introspection at %s: %s", endpoint, cleanNetErr(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		sec := transport.NewSecrets(append(r.Secrets(), token, secret)...) // an answer may repeat the request
		return nil, fmt.Errorf("introspection at %s answered %s: %s (is the API resource's name and secret right?)", endpoint, resp.Status, sec.Scrub(oauthError(resp.Body)))
	}
	var v struct {
		Active   bool   `json:"active"`
		Scope    string `json:"scope"`
		ClientID string `json:"client_id"`
		Subject  string `json:"sub"`
		Exp      int64  `json:"exp"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&v); err != nil {
		return nil, fmt.Errorf("introspection at %s: not JSON: %v", endpoint, err)
	}
	out := &Introspection{Active: v.Active, Scope: v.Scope, ClientID: v.ClientID, Subject: v.Subject}
	if v.Exp > 0 {
		out.Expiry = time.Unix(v.Exp, 0)
	}
	return out, nil
}

// RefreshRefused reports whether err is the IdP refusing a refresh token
// (invalid_grant): after a revocation, the proof that it worked.
func RefreshRefused(err error) bool {
	var te *TokenError
	if errors.As(err, &te) && te.Code == "invalid_grant" {
		return true
	}
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == "invalid_grant"
}

// LogoutReturn listens on a loopback post_logout_redirect_uri for the
// browser's return from the end-session endpoint.
type LogoutReturn struct {
	URI  string // the URI with its real port, to send to the IdP
	srv  *http.Server
	done chan error
}

// ListenLogoutReturn listens on uri (an http loopback URI; port 0 picks a
// free one) until Close. A GET on its path with state ends the wait; another
// state is refused and waited past.
func ListenLogoutReturn(uri, state string) (*LogoutReturn, error) {
	u, err := config.ParseRedirectURI(uri)
	if err != nil {
		return nil, fmt.Errorf("post_logout_redirect_uri: %w", err)
	}
	host := u.Hostname()
	if host == "localhost" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, u.Port()))
	if err != nil {
		return nil, fmt.Errorf("cannot listen for the return from the IdP's logout: %w", err)
	}
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	lr := &LogoutReturn{URI: u.String(), done: make(chan error, 1)}
	lr.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != u.Path {
			http.NotFound(w, req)
			return
		}
		if subtle.ConstantTimeCompare([]byte(req.URL.Query().Get("state")), []byte(state)) != 1 {
			writePage(w, http.StatusBadRequest, errorPage("The logout response's state does not match; it was ignored."))
			return
		}
		writePage(w, http.StatusOK, page{Title: "Logged out", Body: "You are logged out at the IdP. Return to the terminal."})
		select {
		case lr.done <- nil:
		default:
		}
	})}
	go func() { _ = lr.srv.Serve(ln) }()
	return lr, nil
}

// Wait blocks until the browser returns, ctx ends or timeout passes.
func (lr *LogoutReturn) Wait(ctx context.Context, timeout time.Duration) error {
	select {
	case err := <-lr.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(timeout):
		return fmt.Errorf("the browser did not come back from the IdP's logout within %s", timeout)
	}
}

// Close stops listening.
func (lr *LogoutReturn) Close() { _ = lr.srv.Close() }
