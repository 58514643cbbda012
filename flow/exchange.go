package flow

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"ssodesk/transport"
)

// ExchangeOf is a recorded exchange of ssodesk's trace as a flow's.
func ExchangeOf(e transport.Entry) *Exchange {
	x := &Exchange{ID: e.ID, Purpose: e.Purpose, Start: e.Start, Duration: e.Duration, Method: e.Method,
		URL: ParseURL(e.URL), RawURL: e.URL, Proto: e.Proto, Status: e.Status,
		RequestHeader: e.RequestHeader, ResponseHeader: e.ResponseHeader,
		RequestSize: e.RequestSize, ResponseSize: e.ResponseSize, ResponseType: e.ResponseType,
		Error: e.Error, Warning: e.Warning, RequestBody: e.RequestBody, ResponseBody: e.ResponseBody, Cached: e.Cached}
	if x.Method == "" {
		x.Method = http.MethodGet
	}
	if x.Status >= 300 && x.Status < 400 {
		x.Location = e.ResponseHeader.Get("Location")
	}
	if e.TLSVersion != "" {
		x.TLS = &TLS{Version: e.TLSVersion, Cipher: e.TLSCipher, CertSubject: e.CertSubject, CertExpiry: e.CertExpiry}
	}
	x.Kind = KindOf(x.Purpose, x.URL)
	return x
}

// ExchangesOf are recorded exchanges as a flow's, in the order given.
func ExchangesOf(entries []transport.Entry) []*Exchange {
	out := make([]*Exchange, len(entries))
	for i, e := range entries {
		out[i] = ExchangeOf(e)
	}
	return out
}

// ParseURL parses a recorded URL; one that does not parse is an empty URL
// (never nil), so a hostile HAR's URL is a fact, not a failure.
func ParseURL(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return &url.URL{}
	}
	return u
}

// purposeKinds are ssodesk's purpose tags (transport.WithPurpose) by step.
var purposeKinds = map[string]Kind{
	"discovery": Discovery, "preflight": Preflight, "callback": Callback, "token": CodeExchange, "jwks": Verify,
	"userinfo": UserInfo, "api": API, "revocation": Logout, "introspection": Introspection, "health": Health,
}

// KindOf is the step an exchange belongs to: by ssodesk's purpose tag when
// it has one, else by its URL (a browser's HAR has no tags).
func KindOf(purpose string, u *url.URL) Kind {
	if purpose != "" {
		return purposeKinds[purpose] // an unknown tag: Other
	}
	path := strings.ToLower(strings.TrimSuffix(u.Path, "/"))
	switch {
	case strings.HasSuffix(path, "/.well-known/openid-configuration"):
		return Discovery
	case strings.HasSuffix(path, "/authorize"):
		return Browser
	case strings.HasSuffix(path, "/callback") && IsLoopback(u.Host):
		return Callback
	case strings.HasSuffix(path, "/token"):
		return CodeExchange
	case strings.HasSuffix(path, "/userinfo"):
		return UserInfo
	case strings.HasSuffix(path, "/jwks") || strings.HasSuffix(path, "/keys"):
		return Verify
	case strings.HasSuffix(path, "/endsession") || strings.HasSuffix(path, "/revocation") || strings.HasSuffix(path, "/logout"):
		return Logout
	case strings.HasSuffix(path, "/introspect"):
		return Introspection
	}
	return Other
}

// IsIdP reports whether an exchange of kind k is with an IdP (its Date
// header says the IdP's time).
func (k Kind) IsIdP() bool {
	switch k {
	case Discovery, Preflight, Browser, CodeExchange, Verify, UserInfo, Logout, Introspection:
		return true
	}
	return false
}

// IsLoopback reports whether hostport is this machine (localhost, 127/8, ::1).
func IsLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return host == "localhost" || ip != nil && ip.IsLoopback()
}
