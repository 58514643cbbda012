package har

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"ssodesk/auth"
)

// url sanitises a URL's userinfo password, and the secret fields of its
// query and of a fragment of name=value pairs. It works on the text, so
// the rest of the URL (relative or malformed too) stays as it was.
func (st *sanState) url(raw string, depth int) string {
	rest, frag, hasFrag := strings.Cut(raw, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	if i := strings.Index(rest, "://"); i > 0 {
		auth := rest[i+3:]
		path := ""
		if j := strings.IndexByte(auth, '/'); j >= 0 {
			auth, path = auth[:j], auth[j:]
		}
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			if user, pass, ok := strings.Cut(auth[:at], ":"); ok && pass != "" {
				auth = user + ":" + st.secret("password", sanUnescape(pass)) + auth[at:]
			}
		}
		rest = rest[:i+3] + auth + path
	}
	var b strings.Builder
	b.WriteString(rest)
	if hasQuery {
		b.WriteByte('?')
		b.WriteString(st.pairs(query, depth))
	}
	if hasFrag {
		b.WriteByte('#')
		if route, q, ok := strings.Cut(frag, "?"); ok { // a single-page app's route: #/callback?code=…
			frag = route + "?" + st.pairs(q, depth)
		} else if strings.Contains(frag, "=") {
			frag = st.pairs(frag, depth)
		}
		b.WriteString(frag)
	}
	return b.String()
}

func sanUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// pairs sanitises "a=1&b=2" text (a query, a fragment, a form body). A
// value that is changed is written escaped; the others stay as they were.
func (st *sanState) pairs(s string, depth int) string {
	if !strings.Contains(s, "=") {
		return s
	}
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		val := sanUnescape(v)
		out := st.pairValue(sanUnescape(k), val, depth)
		if out != val {
			parts[i] = k + "=" + sanEscape(out)
		}
	}
	return strings.Join(parts, "&")
}

// sanEscape is url.QueryEscape leaving a placeholder's [ ] : as they are.
func sanEscape(s string) string {
	return strings.NewReplacer("%5B", "[", "%5D", "]", "%3A", ":").Replace(url.QueryEscape(s))
}

// json sanitises the string values of secret (and, with RedactPII,
// personal) fields at any depth. It scans the text rather than parsing it,
// so formatting is kept and cut or invalid JSON is still sanitised.
func (st *sanState) json(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		q := strings.IndexByte(s[i:], '"')
		if q < 0 {
			break
		}
		start := i + q
		end, closed := sanStringEnd(s, start)
		i = end
		j := sanSkipSpace(s, end)
		if !closed || j >= len(s) || s[j] != ':' {
			continue
		}
		key := sanJSONString(s[start:end])
		k := sanSkipSpace(s, j+1)
		if k >= len(s) || s[k] != '"' {
			continue
		}
		vend, vclosed := sanStringEnd(s, k)
		val := sanJSONString(s[k:vend])
		i = vend
		out := st.jsonValue(key, val)
		if out == val {
			continue
		}
		b.WriteString(s[last:k])
		if vclosed {
			b.WriteString(sanQuote(out))
		} else {
			b.WriteString(strings.TrimSuffix(sanQuote(out), `"`))
		}
		last = vend
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// jsonValue is the sanitised value of a JSON body's field: a secret's
// placeholder, or a URL's secrets replaced (a redirect with a code in it).
func (st *sanState) jsonValue(key, val string) string {
	if label := sanFieldLabel(key); label != "" {
		return st.secret(label, val)
	}
	if st.pii != nil {
		st.pii.learnField(key, val)
	}
	if strings.ContainsAny(val, "?#") && strings.Contains(val, "=") && (strings.HasPrefix(val, "http") || strings.HasPrefix(val, "/")) {
		return st.url(val, 1)
	}
	return val
}

// sanStringEnd is the index after the JSON string literal at s[i] == '"'
// and whether it is closed.
func sanStringEnd(s string, i int) (int, bool) {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return len(s), false
}

func sanSkipSpace(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\r\n", s[i]) >= 0 {
		i++
	}
	return i
}

// sanJSONString decodes a JSON string literal (one cut short as far as it goes).
func sanJSONString(lit string) string {
	inner := strings.TrimPrefix(lit, `"`)
	if len(lit) >= 2 && strings.HasSuffix(lit, `"`) {
		inner = lit[1 : len(lit)-1]
	}
	if strings.IndexByte(inner, '\\') < 0 && utf8.ValidString(inner) {
		return inner
	}
	var v string
	if err := json.Unmarshal([]byte(`"`+inner+`"`), &v); err == nil {
		return v
	}
	return inner
}

// sanInputRe finds the <input …> tags of an HTML page (a login form's
// anti-forgery token, a form_post response's code, state and id_token).
var sanInputRe = regexp.MustCompile(`(?is)<input\b[^>]*>`)

var sanAttrRe = regexp.MustCompile(`(?is)\b(name|value)\s*=\s*("[^"]*"|'[^']*'|[^\s>"']+)`)

// html sanitises the value attributes of the inputs whose name is a secret
// field's.
func (st *sanState) html(s string) string {
	if !strings.Contains(strings.ToLower(s), "<input") {
		return s
	}
	return sanInputRe.ReplaceAllStringFunc(s, func(tag string) string {
		var name string
		var valAt []int
		for _, m := range sanAttrRe.FindAllStringSubmatchIndex(tag, -1) {
			attr := strings.ToLower(tag[m[2]:m[3]])
			if attr == "name" {
				name = html.UnescapeString(strings.Trim(tag[m[4]:m[5]], `"'`))
			} else {
				valAt = m[4:6]
			}
		}
		if name == "" || valAt == nil {
			return tag
		}
		raw := tag[valAt[0]:valAt[1]]
		q := ""
		if raw != "" && (raw[0] == '"' || raw[0] == '\'') {
			q, raw = raw[:1], strings.Trim(raw, `"'`)
		}
		val := html.UnescapeString(raw)
		out := st.pairValue(name, val, 3)
		if out == val {
			return tag
		}
		return tag[:valAt[0]] + q + html.EscapeString(out) + q + tag[valAt[1]:]
	})
}

// jwts replaces every JWT in s (three base64url parts, the first two JSON
// objects) that is not a placeholder's already.
func (st *sanState) jwts(s string) string {
	if !strings.Contains(s, "eyJ") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(s[i:], "eyJ")
		if j < 0 {
			break
		}
		start := i + j
		end := start
		for end < len(s) && (sanB64URL(s[end]) || s[end] == '.') {
			end++
		}
		i = end
		if start > 0 && (sanB64URL(s[start-1]) || s[start-1] == ':') { // inside a run, or a placeholder's h:/c:
			continue
		}
		tok := strings.TrimRight(s[start:end], ".")
		if strings.Count(tok, ".") != 2 {
			continue
		}
		if kind, _, _ := auth.ClassifyToken(tok); kind == auth.TokenOpaque {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(st.secret("jwt", tok))
		last = start + len(tok)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func sanB64URL(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}
