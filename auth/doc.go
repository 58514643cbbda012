// Package auth runs the HIMSA login: OIDC discovery, Authorization Code +
// PKCE through the system browser with a loopback redirect, the code
// exchange and ID token verification. It reports each step as an Event so a
// UI or a script can show progress, and it never imports UI code.
//
// The loopback design follows int128/oauth2cli: our own http.Server on
// 127.0.0.1, one result through a sync.Once, state compared, error= handled,
// shut down when the login ends. PKCE and the exchange use golang.org/x/oauth2;
// discovery and verification use github.com/coreos/go-oidc/v3.
package auth
