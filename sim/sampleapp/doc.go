// Package sampleapp is a small app of "another party" that logs in at the
// HIMSA SSO stand-in (package sim) in a real browser, so tests can record
// HAR files of such logins with headless Chromium, in success and in each
// failure ssodesk diagnoses.
//
// [Start] listens on three loopback ports, starts the stand-in with two
// clients registered (sim.Options.Apps) and serves:
//
//   - the single-page app at Apps.SPA (client "himsa-sample-spa", public,
//     PKCE S256, CORS origin Apps.SPA; redirect URIs /callback and /silent
//     on both SPA origins): one HTML page with inline JS that does what
//     oidc-client-ts does — discovery with fetch, authorize by navigating
//     the top window, on /callback the state (and iss) check, the token
//     request with fetch (form-encoded, client_id and code_verifier),
//     UserInfo and GET {api claim}/me with the bearer token, optionally a
//     silent renew (prompt=none in a hidden iframe, /silent posts its URL
//     to the parent). Verifier, state and the scenario live in
//     sessionStorage;
//   - the same SPA at Apps.Foreign, whose origin is NOT an allowed CORS
//     origin (its redirect URIs are registered);
//   - the server-side web app at Apps.Web (client "himsa-sample-web",
//     confidential: secret + PKCE): / has a "Sign in" link (#signin) to
//     /login, which 302s to authorize; /signin-oidc exchanges the code on
//     the server, reads UserInfo, sets the app's cookie and 302s to /.
//
// When an app is finished it shows
//
//	<div id="done" data-outcome="succeeded|failed" data-step=… data-error=… data-status=…>text</div>
//
// so a driver waits for #done (chromedp.WaitVisible("#done")). On success
// the text is "Signed in as NAME" (the SPA's silent-only run: "Silent renew
// succeeded"); on failure data-step names where the app stopped (discovery,
// frame, callback, token, token-again, userinfo, api, silent, silent-token,
// loop) and data-error the OAuth error, "network" for a fetch the browser
// refused (CORS), or the app's own check (state_mismatch, iss_mismatch,
// nonce_mismatch, loop, no_answer); data-status is the HTTP status, if any.
//
// # Driving the scenarios
//
// Open [Apps.SPAURL] of the Scenario in a fresh browser profile (no SSO
// cookie). "Click ACCOUNT" means: wait for the stand-in's login page and
// click button[name=account][value=ACCOUNT_ID] (sim.Account.ID; the global
// endpoint lists every account, a regional one only its region's). The
// login page's Cancel is button[name=cancel]; its one form is
// form[method=post][action="/login"].
//
//	Scenario{}                          click → succeeded "Signed in as NAME"
//	Scenario{Region: "eu"}              click an eu account → succeeded
//	Scenario{Foreign: true}             click → failed token/network: the IdP
//	                                    answered (the code is spent), CORS
//	                                    withheld it (net::ERR_FAILED)
//	Scenario{Foreign: true, Discovery: DiscoveryFetch}
//	                                    no click → failed discovery/network
//	Scenario{ExchangeRegion: "us"}      click an eu account → failed
//	                                    token/invalid_grant (another region)
//	Scenario{UnregisteredRedirect: true}, Scenario{ClientID: "unknown"},
//	Scenario{ExtraScope: "email"}       no #done: the browser ends on the
//	                                    IdP's /home/error?errorId=… page; wait
//	                                    for .request-id (unauthorized_client,
//	                                    unauthorized_client, invalid_scope)
//	Scenario{Prompt: "login"}           the chooser even with a session; click
//	any Scenario, click Cancel          failed callback/access_denied
//	Scenario{InFrame: true}             no click → failed frame/no_answer after
//	                                    ~2 s: X-Frame-Options refused the login
//	                                    page (net::ERR_BLOCKED_BY_RESPONSE)
//	Scenario{Silent: SilentAfterLogin}  click → succeeded (login, then a
//	                                    prompt=none renew through redirects)
//	Scenario{Silent: SilentOnly}        no click → failed silent/login_required
//	                                    (in a profile with a session:
//	                                    succeeded "Silent renew succeeded")
//	Scenario{Verifier: VerifierWrong}   click → failed token/invalid_grant
//	Scenario{Verifier: VerifierMissing} click → failed token/invalid_request
//	                                    ("code_verifier required")
//	Scenario{ExchangeTwice: true}       click → failed token-again/invalid_grant
//	Scenario{APIRegion: "us"}           click an eu account → failed
//	                                    api/invalid_token, status 401
//	Scenario{APIPath: "/admin/tenants"} click → failed api/insufficient_scope,
//	                                    status 403
//	Scenario{Loop: 3}                   click once (the next authorizes are
//	                                    silent) → failed loop/loop after 4
//	                                    authorize requests in a few seconds
//	Scenario{NoUserinfo, NoAPI: true}   click → succeeded, without those calls
//	any Scenario, no click              abandoned: the login page stays, no
//	                                    #done
//
// With sim.Hooks in Options.Sim: Hooks.TamperAuthorizeResponse
// (sim.TamperAuthorizeIssOther → failed callback/iss_mismatch,
// sim.TamperAuthorizeStateOther → failed callback/state_mismatch) and
// Hooks.Advance (the Date headers run ahead of the browser's clock), and
// Hooks.Requests counts what the browser sent.
//
// The web app: open [Apps.WebURL] (WebScenario{} or {Region: "eu"}), click
// #signin, click an account → #done succeeded "Signed in as NAME";
// WebScenario{UnregisteredRedirect: true}: the IdP's error page
// (.request-id). Cancel → #done failed (data-error access_denied).
//
// Set sim.Options.ProductionErrorPage for HIMSA's production error page
// (error code and Request Id only). chromium_test.go has helpers to copy
// (requireChromium, newChromium, runPage, waitSelector, netFailures).
package sampleapp
