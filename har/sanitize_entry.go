package har

import (
	"encoding/base64"
	"mime"
	"strings"
	"unicode/utf8"
)

// sanState is what the passes share: the secrets and personal values
// learnt, the index of them the second pass replaces, and the counts.
type sanState struct {
	pass    int
	secrets *sanSecrets
	pii     *sanMasker // nil without RedactPII
	index   *sanIndex  // built between the passes
	counts  map[string]int
}

func newSanState(pii bool) *sanState {
	st := &sanState{secrets: newSanSecrets(), counts: map[string]int{}}
	if pii {
		st.pii = newSanMasker()
	}
	return st
}

// learnt builds the index of every value the first pass learnt.
func (st *sanState) learnt() {
	st.index = newSanIndex()
	for _, v := range st.secrets.order {
		p := st.secrets.ph[v]
		label := st.secrets.label[p]
		if !sanSpreads(label, v) {
			continue
		}
		for _, f := range sanForms(v) {
			if len(f) >= sanMinSpread {
				st.index.add(f, p, label)
			}
		}
	}
	if st.pii != nil {
		st.pii.learnt()
	}
}

func (st *sanState) count(label string) {
	if st.pass > 1 {
		st.counts[label]++
	}
}

// secret is the placeholder for value v of a field labelled label (v itself
// when it already is one, or empty).
func (st *sanState) secret(label, v string) string {
	if v == "" || sanIsPlaceholder(v) {
		return v
	}
	st.count(label)
	return st.secrets.placeholder(st, label, v)
}

// known replaces every learnt secret in s.
func (st *sanState) known(s string) string {
	return st.index.replace(s, st.count)
}

// entry sanitises one HAR entry in place: learnt values anywhere, then the
// field rules by where each string stands, then tokens and URLs anywhere
// the rules did not look, then (RedactPII) personal values.
func (st *sanState) entry(e *sanNode) {
	e.each(st.known)
	if req := e.get("request"); req != nil {
		st.urlField(req, "url")
		st.headers(req.get("headers"))
		st.cookies(req.get("cookies"))
		st.pairList(req.get("queryString"))
		if pd := req.get("postData"); pd != nil {
			st.bodyField(pd, "text", pd.get("mimeType").text(), "")
			st.pairList(pd.get("params"))
		}
	}
	if resp := e.get("response"); resp != nil {
		st.headers(resp.get("headers"))
		st.cookies(resp.get("cookies"))
		st.urlField(resp, "redirectURL")
		if c := resp.get("content"); c != nil {
			st.bodyField(c, "text", c.get("mimeType").text(), c.get("encoding").text())
		}
	}
	st.rest(e)
}

// other sanitises a value that is not an entry (pages, creator, comments)
// by what its strings look like.
func (st *sanState) other(n *sanNode) {
	n.each(st.known)
	st.rest(n)
}

// rest replaces JWTs and URLs anywhere, then personal values.
func (st *sanState) rest(n *sanNode) {
	n.each(st.anywhere)
	if st.pii != nil {
		n.each(st.pii.learnText)
		if st.pass > 1 {
			n.each(func(s string) string { return st.pii.text(s, st.count) })
		}
	}
}

// anywhere replaces what needs no field name: a JWT, and the secret fields
// of a URL.
func (st *sanState) anywhere(s string) string {
	s = st.jwts(s)
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		s = st.url(s, 0)
	}
	return s
}

func (st *sanState) urlField(obj *sanNode, key string) {
	if n := obj.get(key); n != nil && n.kind == 's' {
		n.str = st.url(n.str, 0)
	}
}

// headers sanitises a HAR headers array [{name, value}].
func (st *sanState) headers(list *sanNode) {
	for _, h := range sanNV(list) {
		name, val := h.get("name").text(), h.get("value")
		switch kind := sanHeaderKind(name); kind {
		case "":
			if strings.ContainsAny(val.str, "?#") || strings.HasPrefix(name, ":") {
				val.str = st.url(val.str, 0)
			}
		case "auth":
			val.str = st.credentials(val.str)
		case "cookie":
			val.str = st.cookieHeader(val.str)
		case "set-cookie":
			lines := strings.Split(val.str, "\n")
			for i, l := range lines {
				first, attrs, ok := strings.Cut(l, ";")
				lines[i] = st.cookiePair(first)
				if ok {
					lines[i] += ";" + attrs
				}
			}
			val.str = strings.Join(lines, "\n")
		default:
			val.str = st.secret(kind, strings.TrimSpace(val.str))
		}
	}
}

// sanNV are the {name, value} objects of a HAR list whose value is a string.
func sanNV(list *sanNode) []*sanNode {
	if list == nil || list.kind != 'a' {
		return nil
	}
	var out []*sanNode
	for _, o := range list.vals {
		if v := o.get("value"); v != nil && v.kind == 's' {
			out = append(out, o)
		}
	}
	return out
}

// credentials keeps the scheme of "Scheme credentials".
func (st *sanState) credentials(v string) string {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok {
		return st.secret("authorization", strings.TrimSpace(v))
	}
	cred = strings.TrimSpace(cred)
	switch strings.ToLower(scheme) {
	case "bearer", "dpop":
		return scheme + " " + st.secret("access_token", cred)
	case "basic":
		if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if _, pass, ok := strings.Cut(string(dec), ":"); ok && pass != "" {
				st.secret("client_secret", pass)
			}
		}
		return scheme + " " + st.secret("basic", cred)
	}
	return scheme + " " + st.secret("authorization", cred)
}

func (st *sanState) cookieHeader(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		parts[i] = st.cookiePair(p)
	}
	return strings.Join(parts, ";")
}

// cookiePair replaces the value of "name=value" (the name stays).
func (st *sanState) cookiePair(p string) string {
	name, val, ok := strings.Cut(p, "=")
	if !ok || strings.TrimSpace(val) == "" {
		return p
	}
	lead := val[:len(val)-len(strings.TrimLeft(val, " "))]
	return name + "=" + lead + st.secret("cookie", strings.TrimSpace(val))
}

// cookies sanitises a HAR cookies array: every value.
func (st *sanState) cookies(list *sanNode) {
	for _, c := range sanNV(list) {
		v := c.get("value")
		v.str = st.secret("cookie", v.str)
	}
}

// pairList sanitises a HAR queryString or params array by name.
func (st *sanState) pairList(list *sanNode) {
	for _, p := range sanNV(list) {
		v := p.get("value")
		v.str = st.pairValue(p.get("name").text(), v.str, 0)
	}
}

// pairValue is the sanitised (decoded) value of field name.
func (st *sanState) pairValue(name, v string, depth int) string {
	if l := sanFieldLabel(name); l != "" {
		return st.secret(l, v)
	}
	if st.pii != nil {
		st.pii.learnField(name, v)
	}
	if depth < 3 && strings.ContainsAny(v, "?#") && strings.Contains(v, "=") {
		return st.url(v, depth+1) // a return URL with the login's state and nonce
	}
	return v
}

// bodyField sanitises a body (postData.text, content.text) by its type.
func (st *sanState) bodyField(obj *sanNode, key, mimeType, encoding string) {
	n := obj.get(key)
	if n == nil || n.kind != 's' || n.str == "" {
		return
	}
	if strings.EqualFold(encoding, "base64") {
		dec, err := base64.StdEncoding.DecodeString(n.str)
		if err != nil {
			return
		}
		text := string(dec)
		out := st.known(text)
		if utf8.ValidString(text) {
			out = st.body(out, mimeType)
		}
		if out != text {
			n.str = base64.StdEncoding.EncodeToString([]byte(out))
		}
		return
	}
	n.str = st.body(n.str, mimeType)
}

// body sanitises text of a media type: form fields, JSON fields at any
// depth, HTML inputs.
func (st *sanState) body(s, mimeType string) string {
	mt, _, err := mime.ParseMediaType(mimeType)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(mimeType))
	}
	t := strings.TrimLeft(s, " \t\r\n")
	switch {
	case mt == "application/x-www-form-urlencoded":
		return st.pairs(s, 0)
	case strings.HasSuffix(mt, "/json") || strings.HasSuffix(mt, "+json") || strings.HasPrefix(t, "{") || strings.HasPrefix(t, "["):
		return st.json(s)
	case strings.Contains(mt, "html") || strings.Contains(s, "<input"):
		return st.html(s)
	}
	return s
}
