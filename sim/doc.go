// Package sim is an offline stand-in for the HIMSA SSO identity provider and
// the regional Noah cloud API behind it.
//
// [Start] brings up, on 127.0.0.1 only, one OpenID Connect provider per region
// (a "global" endpoint plus regional ones such as eu, us, au and qa), each with
// its own issuer URL and RSA signing key, and one small JSON API per region.
// All providers share one in-memory core, so the global endpoint can exchange
// a code that carries a regional prefix (for example "eu."), as HIMSA does,
// while a regional endpoint refuses codes of other regions.
//
// The sim mimics the HIMSA behaviour that desktop apps rely on:
//
//   - Authorization Code + PKCE for a public native client (client_id in the
//     body, no secret) registered with exact redirect URIs
//     (http://127.0.0.1/callback and its localhost and [::1] forms, any
//     port, RFC 8252 §7.3);
//   - like IdentityServer, an unknown client, an unregistered redirect URI,
//     a disallowed scope or response type answered with 302
//     /home/error?errorId=… and a page with the message and a Request Id;
//   - authorization codes prefixed with the region of the chosen account;
//   - ID tokens with the tenantid, api and region claims;
//   - UserInfo with sub, noahuserid, noahroleid, tenantname (and name/email
//     with the profile scope);
//   - refresh tokens only with offline_access, rotated on every use;
//   - client credentials for service apps, never with a refresh token;
//   - the culture-lcid and forcechoose authorize parameters;
//   - an SSO session (cookie) that signs the user in silently on the next
//     authorize request, unless forcechoose or prompt=select_account/login
//     asks for the account chooser; prompt=none answers login_required
//     when there is no usable session; a session older than max_age (any,
//     for max_age=0) signs the user in again on the page, so auth_time (the
//     session's sign-in time, in every ID token) is new;
//   - prompt_values_supported in discovery as IdentityServer announces it
//     (none, login, consent, select_account); login_hint lists its
//     account first (the page pre-selects it); acr_values tenant:NAME
//     offers only that tenant's accounts; amr ["pwd"] and idp "local" in
//     ID tokens;
//   - signing keys with their creation time; with Options.X509Keys each is
//     published with a self-signed certificate (x5c) from that time, as
//     IdentityServer's UseX509Certificate (its automatic keys carry none by
//     default); Hooks.RotateKey keeps the previous key in the JWKS,
//     Hooks.RotateKeyAway drops it;
//   - X-Frame-Options: SameOrigin on every IdP response, so a browser
//     refuses the login page in an iframe; a prompt=none authorize with a
//     session runs through redirects only (silent renew in a hidden frame);
//   - browser apps of other parties registered through Options.Apps ([App]:
//     public with PKCE or confidential with a secret, exact redirect URIs,
//     their own allowed scopes), served by every region's provider;
//   - CORS like IdentityServer's: an origin in some App's
//     AllowedCorsOrigins gets Access-Control-Allow-Origin and Vary: Origin
//     on discovery, JWKS, token, UserInfo, revocation, end-session,
//     introspection and the API, and its preflights 204 with the allowed
//     methods and headers (Authorization, Content-Type); any other origin
//     gets no CORS header, though the IdP still answers (a token request
//     spends the code);
//   - with Options.ProductionErrorPage, the error page of production: the
//     error code and the Request Id, no description;
//   - the Date header from the stand-in's clock (see Hooks.Advance);
//   - besides its own clients, a web app of "another party",
//     WebAppClientID (public, PKCE) with the https redirect URI
//     WebAppRedirectURI and the scopes WebAppScopes (no API scope, no
//     offline_access: no refresh tokens), for checking and logging in as an
//     app whose redirect ssodesk cannot catch (its Browser stops at a
//     redirect off this machine: AddressBar);
//   - a token request of a client it does not know is answered 400
//     invalid_client before anything else is looked at, as IdentityServer
//     authenticates the client first.
//
// HIMSA does not say which iss the tokens carry when the global endpoint
// exchanges a regional code. Options.GlobalExchangeIssuer (and, in tests,
// [Hooks.SetGlobalExchangeIssuer] at run time) chooses: IssuerGlobal (the
// default) or IssuerRegional, where the global token endpoint hands the
// request to the region's provider, so the tokens carry the regional iss
// and signature. Only the token endpoint hands over: the global UserInfo
// endpoint still accepts only tokens it issued itself.
//
// # Test hooks
//
// A test that needs to reach into the stand-in passes a [Hooks] in
// Options.Hooks:
//
//	h := &sim.Hooks{}
//	s, err := sim.Start(ctx, sim.Options{Hooks: h})
//
// and then has:
//
//   - [Hooks.Secrets]: every code, code verifier, client secret, access,
//     refresh and ID token the token endpoints received or issued, to prove
//     an app never shows one;
//   - [Hooks.Requests] and [Hooks.RegionRequests]: how many requests each
//     endpoint of each region received (kinds RequestDiscovery, RequestJWKS,
//     RequestAuthorize, RequestToken, RequestTokenRefresh, RequestTokenCode,
//     RequestUserinfo, RequestAPI, …), counted as they arrive;
//   - [Hooks.RotateKey]: a region gets a new signing key; its JWKS then
//     publishes the new and the previous key ([Hooks.KeyIDs]);
//   - [Hooks.SetGlobalExchangeIssuer], see above;
//   - [Hooks.TamperRefresh]: refreshed ID tokens with another sub, a
//     signature no JWKS verifies, or another region's iss and key;
//   - [Hooks.TamperAuthorizeResponse]: authorization responses with another
//     endpoint's iss (a mix-up) or a state the app did not send;
//   - [Hooks.Advance]: the stand-in's clock (lifetimes, exp, and the Date
//     header) moves ahead of the wall clock;
//   - RequestPreflight counts the CORS preflights apart from the requests
//     they precede.
//
// Package sim/sampleapp is a single-page and a server-side web app that log
// in at the stand-in in a real browser, for HAR recordings.
//
// Without Hooks — `ssodesk demo` and `ssodesk sim` start the stand-in so —
// none of that exists: nothing is counted, no copy of any token or secret is
// kept beyond what an IdP must keep to work (its grant storage: pending
// codes, live refresh tokens, access token IDs, SSO sessions and the
// registered client secret), and *Sim has no method to change it at run
// time.
//
// The login page is a plain HTML form (see login.go for its contract) so that
// tests and scripts can drive it with [Browser].
package sim
