package api

import (
	"strings"
)

// Challenge is one WWW-Authenticate challenge (RFC 7235, RFC 6750).
type Challenge struct {
	Scheme string            // "Bearer"
	Params map[string]string // lower-cased names: "error", "error_description", "scope", "realm"
}

// Param returns a parameter ("" when absent).
func (c Challenge) Param(name string) string { return c.Params[strings.ToLower(name)] }

// ParseChallenges reads a WWW-Authenticate header value such as
// `Bearer realm="x", error="invalid_token", error_description="expired"`.
// It is lenient and never fails: it returns what it could read.
func ParseChallenges(h string) []Challenge {
	var out []Challenge
	for _, item := range splitOutsideQuotes(h) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		// "Scheme rest": a token followed by a space (or nothing) starts a challenge.
		if tok := leadingToken(item); tok != "" && (len(tok) == len(item) || item[len(tok)] == ' ' || item[len(tok)] == '\t') {
			out = append(out, Challenge{Scheme: tok, Params: map[string]string{}})
			item = strings.TrimSpace(item[len(tok):])
			if item == "" {
				continue
			}
		}
		name, value, ok := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		if !ok || len(out) == 0 || name == "" || leadingToken(name) != name || strings.Trim(value, "=") == "" && value != "" {
			continue // a token68 credential ("abc123==") or junk: nothing we use
		}
		out[len(out)-1].Params[strings.ToLower(name)] = unquote(strings.TrimSpace(value))
	}
	return out
}

// Bearer returns the first Bearer challenge of resp's WWW-Authenticate.
func (r *Response) Bearer() (Challenge, bool) {
	for _, v := range r.Header.Values("WWW-Authenticate") {
		for _, c := range ParseChallenges(v) {
			if strings.EqualFold(c.Scheme, "bearer") {
				return c, true
			}
		}
	}
	return Challenge{}, false
}

// splitOutsideQuotes splits s at commas that are not inside a quoted-string.
func splitOutsideQuotes(s string) []string {
	var parts []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++ // skip the escaped character
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unquote reads a quoted-string with backslash escapes (an unterminated one
// runs to the end), or returns a token as it is.
func unquote(v string) string {
	if !strings.HasPrefix(v, `"`) {
		return v
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && i+1 < len(v):
			i++
			b.WriteByte(v[i])
		case c == '"':
			return b.String()
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// leadingToken returns the RFC 7230 token at the start of s.
func leadingToken(s string) string {
	i := 0
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	return s[:i]
}

func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
