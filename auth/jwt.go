package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// JWT is a compact JWS split and decoded for display. Decoding verifies
// nothing; see Verifier for that.
type JWT struct {
	Raw       string
	Header    map[string]any
	Claims    map[string]any
	SigLen    int // bytes of signature
	headerRaw []byte
}

// DecodeError says which part of a token is malformed and how.
type DecodeError struct {
	Part string // "token", "header", "payload", "signature"
	Msg  string
}

func (e *DecodeError) Error() string {
	if e.Part == "token" {
		return e.Msg
	}
	return e.Part + ": " + e.Msg
}

// DecodeJWT splits raw into header, claims and signature. Any input gives a
// result or a *DecodeError, never a panic.
func DecodeJWT(raw string) (*JWT, error) {
	raw = strings.TrimSpace(raw)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		hint := ""
		if len(parts) == 5 {
			hint = " (5 parts is an encrypted JWE, which ssodesk cannot read)"
		}
		return nil, &DecodeError{Part: "token", Msg: fmt.Sprintf("a JWT has 3 dot-separated parts, this has %d%s", len(parts), hint)}
	}
	t := &JWT{Raw: raw}
	var err error
	if t.headerRaw, err = decodeSegment("header", parts[0]); err != nil {
		return nil, err
	}
	if t.Header, err = decodeObject("header", t.headerRaw); err != nil {
		return nil, err
	}
	payload, err := decodeSegment("payload", parts[1])
	if err != nil {
		return nil, err
	}
	if t.Claims, err = decodeObject("payload", payload); err != nil {
		return nil, err
	}
	sig, err := decodeSegment("signature", parts[2])
	if err != nil {
		return nil, err
	}
	t.SigLen = len(sig)
	return t, nil
}

func decodeSegment(part, s string) ([]byte, error) {
	// Tolerate padding some producers add; base64url without padding is the rule.
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, &DecodeError{Part: part, Msg: "not base64url: " + err.Error()}
	}
	return b, nil
}

func decodeObject(part string, b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil || m == nil {
		msg := "not a JSON object"
		if err != nil {
			msg += ": " + err.Error()
		}
		return nil, &DecodeError{Part: part, Msg: msg}
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, &DecodeError{Part: part, Msg: "more data after the JSON object: a token holds exactly one"}
	}
	return m, nil
}

// HeaderString returns a header field as text.
func (t *JWT) HeaderString(name string) string { s, _ := t.Header[name].(string); return s }

// ClaimString returns a string claim ("" when absent or not a string).
func (t *JWT) ClaimString(name string) string { s, _ := t.Claims[name].(string); return s }

// TokenKind says what an access or refresh token looks like.
type TokenKind int

const (
	TokenAbsent    TokenKind = iota
	TokenJWT                 // decodes as a JWT
	TokenOpaque              // anything else; HIMSA: "make no assumptions about the contents"
	TokenMalformed           // has a JWT's shape (3 parts, a JSON header) but does not decode
)

// ClassifyToken decodes raw when it is a JWT and says what it is otherwise.
// It never fails: HIMSA's access tokens may be JWTs or opaque at any time.
func ClassifyToken(raw string) (TokenKind, *JWT, error) {
	if raw == "" {
		return TokenAbsent, nil, nil
	}
	t, err := DecodeJWT(raw)
	if err == nil {
		return TokenJWT, t, nil
	}
	parts := strings.Split(raw, ".")
	if len(parts) == 3 {
		if h, herr := decodeSegment("header", parts[0]); herr == nil && bytes.HasPrefix(bytes.TrimSpace(h), []byte("{")) {
			return TokenMalformed, nil, err
		}
	}
	return TokenOpaque, nil, nil
}

// TrimPastedToken is the token in s, a paste: white space around it, and
// an "Authorization:" header name and a "Bearer " scheme in front
// (case-insensitive), taken off.
func TrimPastedToken(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > len("authorization:") && strings.EqualFold(s[:len("authorization:")], "authorization:") {
		s = strings.TrimSpace(s[len("authorization:"):])
	}
	if n := len("bearer"); len(s) >= n && strings.EqualFold(s[:n], "bearer") && (len(s) == n || s[n] == ' ' || s[n] == '\t') {
		s = strings.TrimSpace(s[n:])
	}
	return s
}
