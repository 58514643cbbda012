package report

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
)

// piiClaims are the claims that hold personal data, with what their values
// are called in a masked report. HIMSA: sub is the user's IdpId, noahuserid
// the Noah user; tenantname names the customer's business.
var piiClaims = []struct{ claim, kind string }{
	{"sub", "user"}, {"name", "name"}, {"given_name", "name"}, {"family_name", "name"}, {"middle_name", "name"},
	{"nickname", "name"}, {"preferred_username", "name"}, {"email", "email"}, {"tenantname", "tenant"},
	{"noahuserid", "noahuser"},
}

// emailRe finds e-mail addresses in any text of the report.
var emailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)

// minSubstring: a personal value shorter than this is masked only where it
// is a whole value, not inside other text (a short name is a common word).
const minSubstring = 4

// masker replaces personal data by stand-ins (user-1, tenant-1), the same
// value by the same stand-in everywhere in one report and its HAR.
type masker struct {
	stand map[string]string // value → stand-in
	count map[string]int    // kind → stand-ins made
	pairs [][2]string       // value (and its escaped forms) → stand-in, longest first
}

// newMasker learns the personal values of d's claims (ID token, access
// token, userinfo), in that order, so stand-ins are numbered the same way
// each time.
func newMasker(d *Document) *masker {
	m := &masker{stand: map[string]string{}, count: map[string]int{}}
	for _, claims := range []map[string]any{claimsOf(d.IDToken), claimsOf(d.AccessToken), userInfoClaims(d.UserInfo)} {
		m.learn(claims)
	}
	return m
}

// learn makes stand-ins for the personal values of claims.
func (m *masker) learn(claims map[string]any) {
	for _, p := range piiClaims {
		if v, ok := claims[p.claim].(string); ok && v != "" {
			kind := p.kind
			if kind == "name" && emailRe.MatchString(v) {
				kind = "email"
			}
			m.standIn(kind, v)
		}
	}
}

func claimsOf(d *Decoded) map[string]any {
	if d == nil {
		return nil
	}
	return d.Claims
}

func userInfoClaims(u *UserInfo) map[string]any {
	if u == nil {
		return nil
	}
	return u.Claims
}

// standIn is value's stand-in, made on first sight.
func (m *masker) standIn(kind, value string) string {
	if s, ok := m.stand[value]; ok {
		return s
	}
	m.count[kind]++
	s := fmt.Sprintf("%s-%d", kind, m.count[kind])
	if kind == "email" {
		s += "@example.invalid"
	}
	m.stand[value] = s
	if len(value) >= minSubstring {
		for _, form := range escapedForms(value) {
			m.pairs = append(m.pairs, [2]string{form, s})
		}
		slices.SortStableFunc(m.pairs, func(a, b [2]string) int { return len(b[0]) - len(a[0]) })
	}
	return s
}

// escapedForms are value as it may stand in a URL or inside JSON text.
func escapedForms(value string) []string {
	forms := []string{value, url.QueryEscape(value), url.PathEscape(value)}
	if b, err := json.Marshal(value); err == nil {
		forms = append(forms, strings.Trim(string(b), `"`))
	}
	slices.Sort(forms)
	return slices.Compact(forms)
}

// text masks one string: a whole personal value, every longer one inside
// it, and any e-mail address.
func (m *masker) text(s string) string {
	if st, ok := m.stand[s]; ok {
		return st
	}
	for _, p := range m.pairs {
		if strings.Contains(s, p[0]) {
			s = strings.ReplaceAll(s, p[0], p[1])
		}
	}
	return emailRe.ReplaceAllStringFunc(s, func(addr string) string {
		if strings.HasSuffix(addr, "@example.invalid") {
			return addr
		}
		return m.standIn("email", addr)
	})
}

// document masks every string of d in place.
func (m *masker) document(d *Document) { walkStrings(reflect.ValueOf(d).Elem(), m.text) }

// value masks every string of decoded JSON (a HAR), returning the result.
func (m *masker) value(v any) any { return valueStrings(v, m.text) }

// valueStrings applies f to every string of decoded JSON, in key order.
func valueStrings(v any, f func(string) string) any {
	switch x := v.(type) {
	case string:
		return f(x)
	case map[string]any:
		for _, k := range sortedKeys(x) {
			x[k] = valueStrings(x[k], f)
		}
	case []any:
		for i := range x {
			x[i] = valueStrings(x[i], f)
		}
	}
	return v
}

// walkStrings applies f to the strings of a struct, pointer, slice or map,
// in field and key order (stand-ins of e-mail addresses found on the way
// are numbered in that order).
func walkStrings(v reflect.Value, f func(string) string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkStrings(v.Elem(), f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkStrings(v.Field(i), f)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkStrings(v.Index(i), f)
		}
	case reflect.Map:
		if mm, ok := v.Interface().(map[string]any); ok {
			valueStrings(mm, f)
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(f(v.String()))
		}
	}
}
