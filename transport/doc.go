// Package transport is the one HTTP client stack every part of ssodesk
// uses: discovery, JWKS, token, userinfo and Noah API calls all go through
// the *http.Client that NewClient returns.
//
// The client enforces HIMSA's transport rule (TLS 1.2 or higher on every
// call) and says so by name when a server offers less (*TLSVersionError).
// Given a Trace, it records every exchange it makes — failed ones too — as an
// Entry, with secrets redacted before they enter the record, so that support
// staff can see exactly which call failed and why, on screen or in a HAR file
// (Trace.WriteHAR, Trace.SaveHAR).
//
// Requests are tagged with what they are for by WithPurpose on their context;
// golang.org/x/oauth2 and go-oidc put the caller's context on every request
// they make, so tagging the context handed to them is enough.
package transport
