// Package auth runs the HIMSA login: OIDC discovery, Authorization Code +
// PKCE through the system browser with a loopback redirect, the code
// exchange and ID token verification. It reports each step as an Event so a
// UI or a script can show progress, and it never imports UI code.
//
// Two seams (kubelogin's TokenSet and client.Interface): a *Result is a
// value — tokens, claims, the verification Report, where they came from —
// with no network inside; a *Client is the network side of one endpoint and
// registration (Login, Restore, ClientCredentials, Refresh, UserInfo,
// VerifyAccessToken, Endpoints, Revoke, Introspect). session takes a Client
// behind its own interface and decides when each is used.
//
// auth says what happened: facts, typed errors naming the operation, events
// carrying their facts (the pre-flight, how long the login waited). It
// imports no explain; explain says what it means (explain.Error,
// explain.EventMsg, explain.PreflightSummary). Outside text is made safe by
// package safe before it enters an error or a check.
//
// The loopback design follows int128/oauth2cli: our own http.Server on
// 127.0.0.1, one result through a sync.Once, state compared, error= handled,
// shut down when the login ends. PKCE and the exchange use golang.org/x/oauth2;
// discovery and verification use github.com/coreos/go-oidc/v3.
package auth
