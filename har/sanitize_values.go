package har

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"ssodesk/auth"
)

// Placeholders. A secret becomes "[LABEL-N]", N counting the distinct
// values of that label in the file in the order first seen; the same value
// is the same placeholder everywhere. What a diagnosis needs stays:
//
//	eu.[code-1]                     a code keeps its region prefix (auth.CodeRegion reads it)
//	[state-1] [nonce-1] [cookie-3]  state, session_state, nonce, verifiers, secrets, passwords, cookies
//	[access_token-2.opaque.len:64.sha256:3f2a9c1b]
//	eyJhbGciOi….eyJpc3Mi….sanitised_id_token-1_len-1043_sha256-ab12cd34
//
// A token keeps its kind (opaque, malformed), its length and the first 8
// hex digits of its SHA-256 (as the diagnosis report shows a token). A
// JWT's placeholder is a JWT: its header, its non-personal claims, and the
// label for a signature, so the flow model still reads its claims. The
// characters are letters, digits and - _ . : [ ], so a placeholder is one
// line that breaks no URL, header, cookie or JSON.

// sanTokenLabels are the labels whose placeholder is a token's fingerprint.
var sanTokenLabels = []string{"access_token", "refresh_token", "id_token", "token", "jwt", "client_assertion",
	"subject_token", "actor_token", "assertion", "logout_hint_token", "api_key", "basic"}

// sanKeptClaims are the claims a JWT's placeholder keeps: none names a
// person. tenantid is masked with RedactPII; nonce is its placeholder.
var sanKeptClaims = []string{"iss", "aud", "azp", "exp", "iat", "nbf", "auth_time", "nonce", "scope", "client_id",
	"amr", "acr", "idp", "tenantid", "region", "api", "typ"}

// Bounds of what the first pass learns (beyond them a value is still
// replaced where a rule finds it, but gets a new placeholder each time).
const (
	sanMaxValues = 100_000
	sanMaxBytes  = 64 << 20
	sanMinSpread = 6 // shorter values are replaced only in their field
)

// sanSecrets are the secret values seen, with their placeholders.
type sanSecrets struct {
	ph    map[string]string // value → placeholder
	label map[string]string // placeholder → label
	n     map[string]int    // label → placeholders made
	order []string          // values, first seen first
	bytes int
}

func newSanSecrets() *sanSecrets {
	return &sanSecrets{ph: map[string]string{}, label: map[string]string{}, n: map[string]int{}}
}

// placeholder is v's placeholder, made on first sight as label's next.
func (s *sanSecrets) placeholder(st *sanState, label, v string) string {
	if p, ok := s.ph[v]; ok {
		return p
	}
	s.n[label]++
	p := sanFormat(st, label, s.n[label], v)
	s.label[p] = label
	if len(s.ph) < sanMaxValues && s.bytes+len(v) <= sanMaxBytes {
		s.ph[v] = p
		s.bytes += len(v)
		s.order = append(s.order, v)
	}
	return p
}

// sanFormat makes the placeholder of value v, the n-th of label.
func sanFormat(st *sanState, label string, n int, v string) string {
	core := label + "-" + strconv.Itoa(n)
	switch {
	case label == "code":
		if r := auth.CodeRegion(v); r != "" {
			return r + ".[" + core + "]"
		}
	case slices.Contains(sanTokenLabels, label):
		if jwt := sanJWTPlaceholder(st, core, v); jwt != "" {
			return jwt
		}
		return "[" + core + sanFingerprint(st, v) + "]"
	}
	return "[" + core + "]"
}

// sanFingerprint is ".KIND.len:N.sha256:HEX8".
func sanFingerprint(st *sanState, v string) string {
	kind, _, _ := auth.ClassifyToken(v)
	k := map[auth.TokenKind]string{auth.TokenJWT: "jwt", auth.TokenMalformed: "malformed"}[kind]
	if k == "" {
		k = "opaque"
	}
	return "." + k + ".len:" + strconv.Itoa(len(v)) + ".sha256:" + sanSHA(v)
}

func sanSHA(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:4])
}

// sanJWTMark begins the signature of a JWT's placeholder.
const sanJWTMark = "sanitised_"

// sanJWTPlaceholder is a JWT's placeholder ("" when v is not a JWT): a JWT
// itself, so whatever decodes tokens (the flow model, ssodesk decode)
// still reads its header and non-personal claims; the signature is the
// label: HEADER.CLAIMS.sanitised_id_token-1_len-1043_sha256-ab12cd34.
func sanJWTPlaceholder(st *sanState, core, v string) string {
	kind, jwt, _ := auth.ClassifyToken(v)
	if kind != auth.TokenJWT {
		return ""
	}
	if st.pii != nil {
		st.pii.learnClaims(jwt.Claims)
	}
	h, err := json.Marshal(jwt.Header)
	if err != nil || len(h) > 1024 {
		h, _ = json.Marshal(map[string]any{"alg": jwt.Header["alg"], "kid": jwt.Header["kid"], "typ": jwt.Header["typ"]})
	}
	sig := sanJWTMark + core + "_len-" + strconv.Itoa(len(v)) + "_sha256-" + sanSHA(v)
	if len(sig)%4 == 1 { // not base64url's length otherwise
		sig += "_"
	}
	return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(sanClaims(st, jwt.Claims)) + "." + sig
}

// sanIsJWTPlaceholder says whether v is a whole JWT placeholder.
func sanIsJWTPlaceholder(v string) bool {
	i := strings.LastIndexByte(v, '.')
	if i < 0 || strings.Count(v, ".") != 2 || !strings.HasPrefix(v[i+1:], sanJWTMark) || len(v) > 64<<10 {
		return false
	}
	for j := 0; j < len(v); j++ {
		if !sanB64URL(v[j]) && v[j] != '.' {
			return false
		}
	}
	return true
}

// sanClaims is the JSON of the kept claims, in sanKeptClaims order.
func sanClaims(st *sanState, claims map[string]any) []byte {
	b := []byte{'{'}
	for _, name := range sanKeptClaims {
		v, ok := claims[name]
		if !ok {
			continue
		}
		switch s, isStr := v.(string); {
		case name == "nonce" && isStr:
			v = st.secrets.placeholder(st, "nonce", s)
		case name == "tenantid" && isStr && st.pii != nil:
			v = st.pii.standIn("tenantid", s)
		}
		j, err := json.Marshal(v)
		if err != nil || len(j) > 512 {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(name)
		b = append(append(append(b, k...), ':'), j...)
	}
	return append(b, '}')
}

// sanSpreads says whether a secret value is also replaced wherever it
// occurs. A short value, a path or URL, a short number, or (but for
// passwords and secrets) a value that does not look random would wreck
// unrelated text ("active", "/home", "1"); it is replaced in its field only.
func sanSpreads(label, v string) bool {
	if len(v) < sanMinSpread || strings.HasPrefix(v, "/") || strings.Contains(v, "://") {
		return false
	}
	letters, digits, other := 0, 0, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		case c >= '0' && c <= '9':
			digits++
		case strings.IndexByte("-_.~+/=%", c) >= 0:
		default:
			other++
		}
	}
	if letters == 0 && len(v) < 12 {
		return false
	}
	switch label {
	case "password", "secret", "client_secret":
		return true
	}
	return other == 0 && (len(v) >= 16 || letters > 0 && digits > 0)
}

// sanForms are v as it may stand in a URL or inside JSON text.
func sanForms(v string) []string {
	forms := []string{v, url.QueryEscape(v), url.PathEscape(v)}
	if b, err := json.Marshal(v); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	slices.Sort(forms)
	return slices.Compact(forms)
}

// sanIndex finds many values in a text at once: a filter on the first four
// bytes of each, then the candidates with that start, longest first.
type sanIndex struct {
	filter []uint64
	cands  map[uint32][]sanPat
	n      int
}

type sanPat struct{ text, to, label string }

const sanFilterBits = 20

func newSanIndex() *sanIndex {
	return &sanIndex{filter: make([]uint64, 1<<sanFilterBits/64), cands: map[uint32][]sanPat{}}
}

func sanKey(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func sanHash(k uint32) uint32 { return (k * 0x9E3779B1) >> (32 - sanFilterBits) }

// add makes text (at least 4 bytes) stand for to.
func (x *sanIndex) add(text, to, label string) {
	if len(text) < 4 {
		return
	}
	k := sanKey(text)
	h := sanHash(k)
	x.filter[h/64] |= 1 << (h % 64)
	c := x.cands[k]
	if slices.ContainsFunc(c, func(p sanPat) bool { return p.text == text }) {
		return
	}
	c = append(c, sanPat{text, to, label})
	slices.SortStableFunc(c, func(a, b sanPat) int { return len(b.text) - len(a.text) })
	x.cands[k] = c
	x.n++
}

// replace replaces every value in s (placeholders already there left
// alone), counting each replacement by label.
func (x *sanIndex) replace(s string, count func(string)) string {
	if x == nil || x.n == 0 || len(s) < 4 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+4 <= len(s); {
		if end := sanPlaceholderAt(s, i); end > 0 {
			i = end
			continue
		}
		k := sanKey(s[i:])
		h := sanHash(k)
		if x.filter[h/64]&(1<<(h%64)) != 0 {
			if p, ok := x.match(s[i:], k); ok {
				b.WriteString(s[last:i])
				b.WriteString(p.to)
				count(p.label)
				i += len(p.text)
				last = i
				continue
			}
		}
		i++
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func (x *sanIndex) match(s string, k uint32) (sanPat, bool) {
	for _, p := range x.cands[k] {
		if strings.HasPrefix(s, p.text) {
			return p, true
		}
	}
	return sanPat{}, false
}

// sanPlaceholderAt is the end of the placeholder starting at s[i], or -1.
func sanPlaceholderAt(s string, i int) int {
	switch {
	case s[i] == '[':
		return sanSpanAt(s, i)
	case s[i] == 'e' && strings.HasPrefix(s[i:], "eyJ") && (i == 0 || !sanB64URL(s[i-1])):
		end := i
		for end < len(s) && (sanB64URL(s[end]) || s[end] == '.') {
			end++
		}
		if sanIsJWTPlaceholder(s[i:end]) {
			return end
		}
	}
	return -1
}

// sanSpanAt is the end of the placeholder starting at s[i] == '[', or -1.
func sanSpanAt(s string, i int) int {
	j := i + 1
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] == '_') {
		j++
	}
	if j == i+1 || j >= len(s) || s[j] != '-' {
		return -1
	}
	j++
	d := j
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == d || j >= len(s) {
		return -1
	}
	if s[j] == '.' {
		for j < len(s) && j-i < 8<<10 && sanPlaceholderByte(s[j]) {
			j++
		}
	}
	if j < len(s) && s[j] == ']' {
		return j + 1
	}
	return -1
}

func sanPlaceholderByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':'
}

// sanIsPlaceholder says whether v is a whole placeholder (a code's with
// its region prefix too): sanitising a sanitised HAR changes nothing.
func sanIsPlaceholder(v string) bool {
	if strings.HasPrefix(v, "eyJ") {
		return sanIsJWTPlaceholder(v)
	}
	if r := auth.CodeRegion(v); r != "" {
		v = v[len(r)+1:]
	}
	return len(v) > 2 && v[0] == '[' && sanSpanAt(v, 0) == len(v)
}

// Placeholder is a sanitised HAR's placeholder read back: what the secret
// it replaced was, less the secret.
type Placeholder struct {
	Region string         // a code's region prefix ("eu"), else ""
	Label  string         // code, state, cookie, access_token, id_token, …
	N      int            // its number among the label's values in the file
	Kind   string         // a token's: jwt, opaque, malformed ("" for others)
	Len    int            // a token's length in bytes
	SHA256 string         // a token's first 8 hex digits of SHA-256
	Header map[string]any // a JWT's header
	Claims map[string]any // a JWT's non-personal claims
}

// ParsePlaceholder reads a placeholder that Sanitize wrote (the whole of
// s); ok is false when s is not one.
func ParsePlaceholder(s string) (p Placeholder, ok bool) {
	if !sanIsPlaceholder(s) {
		return p, false
	}
	if strings.HasPrefix(s, "eyJ") {
		return sanParseJWT(s), true
	}
	if r := auth.CodeRegion(s); r != "" {
		p.Region, s = r, s[len(r)+1:]
	}
	parts := strings.Split(s[1:len(s)-1], ".")
	label, num, _ := strings.Cut(parts[0], "-")
	p.Label = label
	p.N, _ = strconv.Atoi(num)
	if len(parts) > 1 {
		p.Kind = parts[1]
	}
	for _, f := range parts[min(2, len(parts)):] {
		k, v, _ := strings.Cut(f, ":")
		switch k {
		case "len":
			p.Len, _ = strconv.Atoi(v)
		case "sha256":
			p.SHA256 = v
		case "h", "c":
			var m map[string]any
			if b, err := base64.RawURLEncoding.DecodeString(v); err == nil && json.Unmarshal(b, &m) == nil {
				if k == "h" {
					p.Header = m
				} else {
					p.Claims = m
				}
			}
		}
	}
	return p, true
}

// sanParseJWT reads a JWT placeholder back.
func sanParseJWT(s string) Placeholder {
	p := Placeholder{Kind: "jwt"}
	if t, err := auth.DecodeJWT(s); err == nil {
		p.Header, p.Claims = t.Header, t.Claims
		for k, v := range p.Claims { // as ParsePlaceholder's JSON: numbers as float64
			if n, ok := v.(json.Number); ok {
				p.Claims[k], _ = n.Float64()
			}
		}
	}
	sig := strings.TrimSuffix(strings.TrimPrefix(s[strings.LastIndexByte(s, '.')+1:], sanJWTMark), "_")
	core, rest, _ := strings.Cut(sig, "_len-")
	if i := strings.LastIndexByte(core, '-'); i > 0 {
		p.Label = core[:i]
		p.N, _ = strconv.Atoi(core[i+1:])
	}
	n, sha, _ := strings.Cut(rest, "_sha256-")
	p.Len, _ = strconv.Atoi(n)
	p.SHA256 = sha
	return p
}
