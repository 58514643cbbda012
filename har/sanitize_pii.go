package har

import (
	"regexp"
	"strconv"
	"strings"

	"ssodesk/auth"
)

// sanMasker replaces personal data by stand-ins, as report's --redact-pii
// does (user-1 for a sub, name-1, email-1@example.invalid, tenant-1,
// noahuser-1; here also tenantid-1): the same value by the same stand-in
// throughout the file. It learns the values in the first pass (claims of
// every JWT, personal fields of JSON and form bodies, e-mail addresses).
type sanMasker struct {
	stand map[string]string // value → stand-in
	kinds map[string]string // stand-in → kind
	count map[string]int    // kind → stand-ins made
	order []string
	index *sanIndex
}

// sanEmailRe finds e-mail addresses in any text (report's emailRe).
var sanEmailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

// sanStandInRe is a stand-in, never learnt as a personal value (so masking
// a masked HAR changes nothing).
var sanStandInRe = regexp.MustCompile(`^(user|name|email|tenant|noahuser|tenantid)-[0-9]+(@example\.invalid)?$`)

// sanMinPII: a shorter personal value is masked only as a whole value.
const sanMinPII = 4

func newSanMasker() *sanMasker {
	return &sanMasker{stand: map[string]string{}, kinds: map[string]string{}, count: map[string]int{}}
}

// standIn is value's stand-in, made on first sight.
func (m *sanMasker) standIn(kind, value string) string {
	if s, ok := m.stand[value]; ok {
		return s
	}
	if kind == "name" && sanEmailRe.MatchString(value) {
		kind = "email"
	}
	m.count[kind]++
	s := kind + "-" + strconv.Itoa(m.count[kind])
	if kind == "email" {
		s += "@example.invalid"
	}
	m.kinds[s] = kind
	if len(m.stand) < sanMaxValues {
		m.stand[value] = s
		m.order = append(m.order, value)
	}
	return s
}

// learnField learns a personal field's value.
func (m *sanMasker) learnField(name, v string) {
	if kind := sanPIIKind(name); kind != "" && v != "" && len(v) <= 1024 && !sanIsPlaceholder(v) && !sanStandInRe.MatchString(v) &&
		!strings.HasSuffix(v, "@example.invalid") {
		if _, ok := m.kinds[v]; !ok {
			m.standIn(kind, v)
		}
	}
}

// learnText learns the personal claims of the JWTs in s, and its e-mail
// addresses (first pass; s is returned as it is).
func (m *sanMasker) learnText(s string) string {
	if m.index != nil {
		return s
	}
	for i := 0; ; {
		j := strings.Index(s[i:], "eyJ")
		if j < 0 {
			break
		}
		end := i + j
		for end < len(s) && (sanB64URL(s[end]) || s[end] == '.') {
			end++
		}
		if t, err := auth.DecodeJWT(strings.TrimRight(s[i+j:end], ".")); err == nil {
			m.learnClaims(t.Claims)
		}
		i = end
	}
	if strings.IndexByte(s, '@') >= 0 {
		for _, addr := range sanEmailRe.FindAllString(s, 100) {
			m.learnField("email", addr)
		}
	}
	return s
}

// sanPIIClaims are the personal claims a JWT's stand-ins are learnt from,
// in this order (so stand-ins are numbered the same way each time).
var sanPIIClaims = []string{"sub", "name", "given_name", "family_name", "middle_name", "nickname",
	"preferred_username", "email", "upn", "unique_name", "tenantname", "noahuserid", "tenantid"}

// learnClaims learns the personal claims of a token.
func (m *sanMasker) learnClaims(claims map[string]any) {
	for _, name := range sanPIIClaims {
		if str, ok := claims[name].(string); ok {
			m.learnField(name, str)
		}
	}
}

// learnt builds the index of the values learnt (second pass).
func (m *sanMasker) learnt() {
	m.index = newSanIndex()
	for _, v := range m.order {
		s := m.stand[v]
		if len(v) < sanMinPII {
			continue
		}
		for _, f := range sanForms(v) {
			m.index.add(f, s, m.kinds[s])
		}
	}
}

// text masks one string: a whole personal value, every one of at least
// four bytes inside it, and any e-mail address (placeholders left alone).
func (m *sanMasker) text(s string, count func(string)) string {
	if st, ok := m.stand[s]; ok {
		count(m.kinds[st])
		return st
	}
	s = m.index.replace(s, count)
	if strings.IndexByte(s, '@') < 0 {
		return s
	}
	return sanEmailRe.ReplaceAllStringFunc(s, func(addr string) string {
		if strings.HasSuffix(addr, "@example.invalid") {
			return addr
		}
		count("email")
		return m.standIn("email", addr)
	})
}
