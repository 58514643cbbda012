package har

import (
	"strings"
)

// The field rules: which names carry secrets, and under which label.

// sanExact are secret field names (lower case, without _ - . and spaces).
var sanExact = map[string]string{
	"code": "code", "authcode": "code", "authorizationcode": "code", "codeverifier": "code_verifier",
	"clientsecret": "client_secret", "clientassertion": "client_assertion", "accesstoken": "access_token",
	"refreshtoken": "refresh_token", "idtoken": "id_token", "idtokenhint": "id_token", "token": "token",
	"jwt": "jwt", "subjecttoken": "subject_token", "actortoken": "actor_token", "assertion": "assertion",
	"logouthinttoken": "logout_hint_token", "devicecode": "code", "usercode": "code", "state": "state",
	"sessionstate": "session_state", "nonce": "nonce", "otp": "password", "totp": "password",
	"apikey": "api_key", "xapikey": "api_key", "ocpapimsubscriptionkey": "api_key", "xauthtoken": "token",
	"xaccesstoken": "access_token", "xrefreshtoken": "refresh_token", "xidtoken": "id_token",
}

// sanSuffixes label names that end (or, for anti-forgery, contain) a word.
var sanSuffixes = []struct{ word, label string }{
	{"password", "password"}, {"passwd", "password"}, {"pwd", "password"}, {"passphrase", "password"},
	{"secret", "secret"}, {"verifier", "verifier"}, {"apikey", "api_key"}, {"assertion", "assertion"},
	{"token", "token"},
}

var sanAntiForgery = []string{"antiforgery", "requestverification", "xsrf", "csrf"}

// sanNorm is a field name lower-cased without _ - . and spaces.
func sanNorm(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch r {
		case '_', '-', '.', ' ', '$', ':':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sanFieldLabel is the label of a secret field's value ("" when the name
// is not one): code, state, password, antiforgery, access_token, …
func sanFieldLabel(name string) string {
	n := sanNorm(name)
	if n == "" || len(n) > 128 {
		return ""
	}
	if l, ok := sanExact[n]; ok {
		return l
	}
	for _, w := range sanAntiForgery {
		if strings.Contains(n, w) {
			return "antiforgery"
		}
	}
	for _, s := range sanSuffixes {
		if strings.HasSuffix(n, s.word) {
			return s.label
		}
	}
	return ""
}

// sanPIIKinds are the fields that name a person or a tenant, with the kind
// of stand-in (as report's --redact-pii: user-1, name-1, …).
var sanPIIKinds = map[string]string{
	"sub": "user", "name": "name", "givenname": "name", "familyname": "name", "middlename": "name",
	"nickname": "name", "preferredusername": "name", "email": "email", "emailaddress": "email",
	"tenantname": "tenant", "noahuserid": "noahuser", "tenantid": "tenantid", "username": "name",
	"login": "name", "loginhint": "name", "upn": "name", "uniquename": "name", "displayname": "name",
	"firstname": "name", "lastname": "name", "fullname": "name", "inputusername": "name", "inputemail": "email",
}

// sanPIIKind is the stand-in kind of a personal field ("" when not one).
func sanPIIKind(name string) string { return sanPIIKinds[sanNorm(name)] }

// sanHeaderKind says how a header's value is sanitised.
func sanHeaderKind(name string) string {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		return "auth"
	case "cookie":
		return "cookie"
	case "set-cookie":
		return "set-cookie"
	}
	if l := sanFieldLabel(name); l != "" {
		return l
	}
	return ""
}
