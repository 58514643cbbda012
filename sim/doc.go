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
//     body, no secret) with any loopback redirect URI;
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
//     when there is no usable session;
//   - X-Frame-Options: SameOrigin on every IdP response.
//
// HIMSA does not say which iss the tokens carry when the global endpoint
// exchanges a regional code. Options.GlobalExchangeIssuer (and
// [Sim.SetGlobalExchangeIssuer] at run time) chooses: IssuerGlobal (the
// default) or IssuerRegional, where the global token endpoint hands the
// request to the region's provider, so the tokens carry the regional iss
// and signature. Only the token endpoint hands over: the global UserInfo
// endpoint still accepts only tokens it issued itself.
//
// [Sim.RotateKey] gives a region a new signing key; its JWKS then publishes
// the new and the previous key ([Sim.KeyIDs]).
//
// The login page is a plain HTML form (see login.go for its contract) so that
// tests and scripts can drive it with [Browser].
package sim
