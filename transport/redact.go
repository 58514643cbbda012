package transport

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Redaction. Secrets are replaced by "[redacted N bytes]" (N = the length of
// the secret value) before anything is recorded:
//
//   - headers: the credentials of Authorization and Proxy-Authorization (the
//     scheme stays: "Bearer [redacted 812 bytes]"), cookie values in Cookie
//     and Set-Cookie (names and attributes stay), API key headers whole, and
//     URLs in Location, Content-Location and Referer as by RedactURL;
//   - URLs: the values of the secret fields (SecretFields) in the query and
//     in a fragment of name=value pairs, and the password of userinfo
//     ("user:[redacted 6 bytes]@host"; a user alone is redacted whole);
//   - bodies: the values of the secret fields in form bodies
//     (application/x-www-form-urlencoded) and, at any depth, in JSON
//     bodies (also cut or invalid JSON);
//   - every value so found is also replaced wherever else it occurs in the
//     same exchange (a code echoed in an error page or a Location header),
//     when it is at least minSecretLen bytes long.
//
// Redaction is idempotent: a value that already is a "[redacted N bytes]"
// marker is left alone, so the UI may run an Entry's strings through the
// Redact functions again.

// SecretFields are the names (matched case-insensitively) whose values are
// redacted in queries, form bodies and JSON bodies.
var SecretFields = []string{
	"code", "code_verifier", "client_secret", "client_assertion",
	"refresh_token", "access_token", "id_token", "password", "token",
	"subject_token", "assertion", "id_token_hint", "logout_hint_token",
}

// IsSecretField says whether the values of a query, form or JSON field of
// this name are redacted.
func IsSecretField(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf { // Unicode folding ("K" is K): the general case
			return slices.ContainsFunc(SecretFields, func(f string) bool { return strings.EqualFold(f, name) })
		}
	}
	for _, f := range SecretFields { // ASCII: the lengths must match, a quick first test
		if len(f) == len(name) && strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

// credentialHeaders are redacted whole (after the scheme for the first two).
var (
	authHeaders   = []string{"Authorization", "Proxy-Authorization"}
	apiKeyHeaders = []string{"X-Api-Key", "Api-Key", "X-Auth-Token", "Ocp-Apim-Subscription-Key",
		"X-Access-Token", "X-Refresh-Token", "X-Id-Token"}
	urlHeaders = []string{"Location", "Content-Location", "Referer"}
)

// minSecretLen is the shortest value that is also replaced elsewhere in an
// exchange; shorter ones ("1", "abc") would wreck unrelated text. They are
// still redacted in the field that carries them.
const minSecretLen = 6

// maxSpread bounds the values replaced elsewhere in one exchange (a hostile
// body with thousands of secret fields still has each of them redacted).
const maxSpread = 1000

// Redacted is the text that replaces a secret of n bytes.
func Redacted(n int) string { return "[redacted " + strconv.Itoa(n) + " bytes]" }

// isMarker says whether s is exactly a Redacted marker.
func isMarker(s string) bool {
	rest, ok := strings.CutPrefix(s, "[redacted ")
	if !ok {
		return false
	}
	num, ok := strings.CutSuffix(rest, " bytes]")
	if !ok || num == "" || len(num) > 12 {
		return false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// secrets collects the secret values of one exchange.
type secrets struct {
	vals map[string]int // text to replace → length of the secret it stands for
	// limit bounds vals (0: maxSpread); told is set while Secrets.Add adds
	// values the login or the session know, which no limit drops.
	limit int
	told  bool
}

func newSecrets() *secrets { return &secrets{vals: map[string]int{}} }

// add records a secret value, and its URL- and JSON-encoded forms.
func (s *secrets) add(v string) {
	s.addAs(v, len(v))
	if q := url.QueryEscape(v); q != v {
		s.addAs(q, len(v))
	}
	if p := url.PathEscape(v); p != v {
		s.addAs(p, len(v))
	}
	if b, err := json.Marshal(v); err == nil {
		if j := string(b[1 : len(b)-1]); j != v {
			s.addAs(j, len(v))
		}
	}
}

// addAs records text standing for a secret of n bytes.
func (s *secrets) addAs(text string, n int) {
	if len(text) < minSecretLen || isMarker(text) || (!s.told && len(s.vals) >= cmp.Or(s.limit, maxSpread)) {
		return
	}
	if _, ok := s.vals[text]; !ok {
		s.vals[text] = n
	}
}

// markerSpans finds the Redacted markers in str ([start, end) pairs),
// which apply leaves alone. (A hand-written `\[redacted [0-9]{1,12}
// bytes\]`: a regexp compiled at package init cost every ssodesk process
// start-up time.)
func markerSpans(str string) [][2]int {
	var spans [][2]int
	for i := 0; ; {
		j := strings.Index(str[i:], "[redacted ")
		if j < 0 {
			return spans
		}
		start := i + j
		k := start + len("[redacted ")
		digits := k
		for digits < len(str) && digits-k < 13 && str[digits] >= '0' && str[digits] <= '9' {
			digits++
		}
		if n := digits - k; n >= 1 && n <= 12 && strings.HasPrefix(str[digits:], " bytes]") {
			end := digits + len(" bytes]")
			spans = append(spans, [2]int{start, end})
			i = end
			continue
		}
		i = start + 1
	}
}

// apply replaces every collected secret in str, longest first, outside the
// markers already there (so a secret such as "redacted" or "123456" cannot
// corrupt them).
func (s *secrets) apply(str string) string {
	if s == nil || len(s.vals) == 0 || str == "" {
		return str
	}
	keys := make([]string, 0, len(s.vals))
	for k := range s.vals {
		if indexSecret(str, k) >= 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return str
	}
	slices.SortFunc(keys, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	args := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k, Redacted(s.vals[k]))
	}
	r := strings.NewReplacer(args...)
	var b strings.Builder
	last := 0
	for _, m := range markerSpans(str) {
		b.WriteString(r.Replace(str[last:m[0]]))
		b.WriteString(str[m[0]:m[1]])
		last = m[1]
	}
	b.WriteString(r.Replace(str[last:]))
	return b.String()
}

// indexSecret is strings.Index for a secret (at least minSecretLen bytes)
// in a long text. strings.Index looks for the first byte of sub and soon
// gives up on it when that byte is common ("e" of "eyJ…", a JWT), then reads
// every byte of s with Rabin-Karp; a secret almost always holds a byte that
// is rare in text (an upper-case letter, a digit), so this looks for that
// one, and gives up on it in turn when it is not rare after all.
func indexSecret(s, sub string) int {
	if len(sub) < 2 || len(s) < 4<<10 {
		return strings.Index(s, sub)
	}
	o := rareByte(sub)
	c := sub[o]
	fails := 0
	for i := o; i < len(s); {
		j := strings.IndexByte(s[i:], c)
		if j < 0 {
			return -1
		}
		start := i + j - o
		if start+len(sub) > len(s) {
			return -1
		}
		if s[start:start+len(sub)] == sub {
			return start
		}
		i += j + 1
		if fails++; fails > 64+i>>6 { // more than one candidate per 64 bytes: not rare here
			if k := strings.Index(s[start+1:], sub); k >= 0 {
				return start + 1 + k
			}
			return -1
		}
	}
	return -1
}

// rareByte is the index of the byte of sub (among its first 64) least
// likely in text: upper-case letters and then digits before anything else.
func rareByte(sub string) int {
	best, bestScore := 0, 3
	for i := 0; i < len(sub) && i < 64; i++ {
		score := 2
		switch c := sub[i]; {
		case c >= 'A' && c <= 'Z' && c != 'E' && c != 'T' && c != 'A' && c != 'S':
			score = 0
		case c >= '0' && c <= '9' || c == '_' || c == '+' || c == '~':
			score = 1
		}
		if score < bestScore {
			best, bestScore = i, score
			if score == 0 {
				break
			}
		}
	}
	return best
}

// applyHeader replaces collected secrets in every value of h (in place).
func (s *secrets) applyHeader(h http.Header) {
	for k, vs := range h {
		for i, v := range vs {
			vs[i] = s.apply(v)
		}
		h[k] = vs
	}
}

// RedactURL returns raw with the secrets of its userinfo, query and
// fragment redacted. It works on the text, so the rest of the URL stays as
// it was (also for relative and malformed URLs).
func RedactURL(raw string) string {
	sec := newSecrets()
	return sec.apply(redactURL(raw, sec))
}

func redactURL(raw string, sec *secrets) string {
	rest, frag, hasFrag := strings.Cut(raw, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	if i := strings.Index(rest, "://"); i > 0 && validScheme(rest[:i]) {
		auth := rest[i+3:]
		path := ""
		if j := strings.IndexByte(auth, '/'); j >= 0 {
			auth, path = auth[:j], auth[j:]
		}
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			auth = redactUserinfo(auth[:at], sec) + auth[at:]
		}
		rest = rest[:i+3] + auth + path
	}
	var b strings.Builder
	b.WriteString(rest)
	if hasQuery {
		b.WriteByte('?')
		b.WriteString(redactPairs(query, sec))
	}
	if hasFrag {
		b.WriteByte('#')
		if strings.Contains(frag, "=") {
			frag = redactPairs(frag, sec)
		}
		b.WriteString(frag)
	}
	return b.String()
}

func validScheme(s string) bool {
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

func redactUserinfo(ui string, sec *secrets) string {
	if isMarker(ui) {
		return ui
	}
	user, pass, ok := strings.Cut(ui, ":")
	if !ok {
		sec.add(unescape(ui))
		return Redacted(len(unescape(ui)))
	}
	if isMarker(pass) {
		return ui
	}
	p := unescape(pass)
	sec.add(p)
	return user + ":" + Redacted(len(p))
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// redactPairs redacts the secret fields of "a=1&b=2" text.
func redactPairs(s string, sec *secrets) string {
	if s == "" {
		return s
	}
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if !IsSecretField(strings.TrimSpace(key)) {
			continue
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		if isMarker(val) {
			continue
		}
		sec.add(val)
		sec.addAs(v, len(val))
		parts[i] = k + "=" + Redacted(len(val))
	}
	return strings.Join(parts, "&")
}

// RedactHeader returns a redacted copy of h (nil for nil).
func RedactHeader(h http.Header) http.Header {
	sec := newSecrets()
	out := redactHeader(h, sec)
	sec.applyHeader(out)
	return out
}

func redactHeader(h http.Header, sec *secrets) http.Header {
	if h == nil {
		return nil
	}
	out := h.Clone()
	for name, vs := range out {
		canon := http.CanonicalHeaderKey(name)
		for i, v := range vs {
			switch {
			case slices.Contains(authHeaders, canon):
				vs[i] = redactCredentials(v, sec)
			case slices.Contains(apiKeyHeaders, canon):
				vs[i] = redactWhole(v, sec)
			case canon == "Cookie":
				vs[i] = redactCookies(v, sec)
			case canon == "Set-Cookie":
				vs[i] = redactSetCookie(v, sec)
			case slices.Contains(urlHeaders, canon):
				vs[i] = redactURL(v, sec)
			}
		}
	}
	return out
}

func redactWhole(v string, sec *secrets) string {
	v = strings.TrimSpace(v)
	if v == "" || isMarker(v) {
		return v
	}
	sec.add(v)
	return Redacted(len(v))
}

// redactCredentials keeps the scheme of "Scheme credentials".
func redactCredentials(v string, sec *secrets) string {
	v = strings.TrimSpace(v)
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok {
		return redactWhole(v, sec)
	}
	cred = strings.TrimSpace(cred)
	if cred == "" || isMarker(cred) {
		return v
	}
	sec.add(cred)
	if strings.EqualFold(scheme, "Basic") {
		if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if _, pass, ok := strings.Cut(string(dec), ":"); ok && pass != "" {
				sec.add(pass)
				if u, err := url.QueryUnescape(pass); err == nil && u != pass {
					sec.add(u)
				}
			}
		}
	}
	return scheme + " " + Redacted(len(cred))
}

// redactCookies redacts the values of "a=1; b=2".
func redactCookies(v string, sec *secrets) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		parts[i] = redactCookiePair(p, sec)
	}
	return strings.Join(parts, ";")
}

// redactSetCookie redacts the value of "name=value; Path=/; HttpOnly".
func redactSetCookie(v string, sec *secrets) string {
	first, attrs, ok := strings.Cut(v, ";")
	first = redactCookiePair(first, sec)
	if ok {
		return first + ";" + attrs
	}
	return first
}

func redactCookiePair(p string, sec *secrets) string {
	name, val, ok := strings.Cut(p, "=")
	if !ok {
		return p
	}
	t := strings.TrimSpace(val)
	if t == "" || isMarker(t) {
		return p
	}
	sec.add(t)
	return name + "=" + Redacted(len(t))
}

// RedactBody returns the body as recordable text with the secret fields of
// form and JSON bodies redacted (and their values elsewhere in the body).
// A body that is not UTF-8 text is described, not shown.
func RedactBody(contentType string, body []byte) string {
	sec := newSecrets()
	return sec.apply(redactBody(contentType, string(body), sec))
}

func redactBody(contentType string, s string, sec *secrets) string {
	if len(s) == 0 {
		return ""
	}
	if !isText(s) {
		return fmt.Sprintf("[%d bytes of binary data, not shown]", len(s))
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(contentType))
	}
	switch {
	case mt == "application/x-www-form-urlencoded":
		return redactPairs(s, sec)
	case strings.HasSuffix(mt, "/json") || strings.HasSuffix(mt, "+json") || looksJSON(s):
		return redactJSON(s, sec)
	}
	return s
}

// isText: valid UTF-8, allowing a rune cut at the end (capped bodies).
func isText(b string) bool {
	if utf8.ValidString(b) {
		return true
	}
	for cut := 1; cut <= utf8.UTFMax-1 && cut < len(b); cut++ {
		if utf8.ValidString(b[:len(b)-cut]) {
			return !utf8.FullRuneInString(b[len(b)-cut:])
		}
	}
	return false
}

func looksJSON(s string) bool {
	t := strings.TrimLeft(s, " \t\r\n")
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")
}

// redactJSON redacts the string values of secret fields at any depth. It
// scans the text rather than parsing it, so formatting is kept and cut or
// invalid JSON is still redacted.
func redactJSON(s string, sec *secrets) string {
	var b strings.Builder
	last := 0 // s[last:i] is still to be copied
	for i := 0; i < len(s); {
		if i = nextQuote(s, i); i < 0 {
			break
		}
		end, closed := stringEnd(s, i)
		j := skipSpace(s, end)
		if j >= len(s) || s[j] != ':' {
			i = end
			continue
		}
		key := s[i:end]
		i = end
		if !secretKey(key, closed) {
			continue
		}
		k := skipSpace(s, j+1)
		if k >= len(s) || s[k] != '"' {
			continue
		}
		vend, vclosed := stringEnd(s, k)
		rawInner := s[k+1 : vend]
		if vclosed {
			rawInner = s[k+1 : vend-1]
		}
		val := jsonString(s[k:vend], vclosed)
		i = vend
		if val == "" || isMarker(val) {
			continue
		}
		sec.add(val)
		sec.addAs(rawInner, len(val))
		if last == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:k])
		b.WriteString(`"` + Redacted(len(val)))
		if vclosed {
			b.WriteByte('"')
		}
		last = vend
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// secretKey says whether the JSON string literal lit (quotes included) is
// the name of a secret field. A name of plain ASCII letters — nearly every
// key — is compared as it is; one with an escape or a non-ASCII byte is
// decoded first.
func secretKey(lit string, closed bool) bool {
	inner := lit[1:]
	if closed {
		inner = lit[1 : len(lit)-1]
	}
	for i := 0; i < len(inner); i++ {
		if c := inner[i]; c == '\\' || c >= utf8.RuneSelf {
			return IsSecretField(jsonString(lit, closed))
		}
	}
	for _, f := range SecretFields {
		if len(f) == len(inner) && strings.EqualFold(f, inner) {
			return true
		}
	}
	return false
}

// stringEnd returns the index after the JSON string literal starting at
// s[i] == '"', and whether it is closed (false when the text ends first).
func stringEnd(s string, i int) (int, bool) {
	for j := i + 1; ; {
		q := nextQuote(s, j)
		if q < 0 {
			return len(s), false
		}
		n := 0 // backslashes right before the quote: an odd number escapes it
		for k := q - 1; k > i && s[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
}

// nextQuote is the index of the first '"' in s[i:], -1 when none. Most
// JSON strings and the gaps between them are short: a plain loop finds
// their end sooner than a call of strings.IndexByte, which takes over for
// long ones.
func nextQuote(s string, i int) int {
	for end := min(i+16, len(s)); i < end; i++ {
		if s[i] == '"' {
			return i
		}
	}
	if i >= len(s) {
		return -1
	}
	if q := strings.IndexByte(s[i:], '"'); q >= 0 {
		return i + q
	}
	return -1
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
		i++
	}
	return i
}

// jsonString decodes a JSON string literal (quotes included; a literal that
// is not closed is decoded as far as it goes).
func jsonString(lit string, closed bool) string {
	inner := lit[1:]
	if closed {
		inner = lit[1 : len(lit)-1]
	}
	if strings.IndexByte(inner, '\\') < 0 && utf8.ValidString(inner) {
		return inner // no escapes: the text is the value (json.Unmarshal would allocate)
	}
	if !closed {
		lit += `"`
	}
	var v string
	if err := json.Unmarshal([]byte(lit), &v); err == nil {
		return v
	}
	return strings.TrimSuffix(strings.TrimPrefix(lit, `"`), `"`)
}
