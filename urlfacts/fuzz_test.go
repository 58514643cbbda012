package urlfacts

import (
	"strings"
	"testing"
	"unicode/utf8"

	"ssodesk/safe"
)

// FuzzRead: any input is read or refused with an *InputError, never a
// panic; what is read is printable and bounded, and a code or a password
// planted in it never shows.
func FuzzRead(f *testing.F) {
	for _, s := range []string{goodAuthorize, "GET https://idp.himsa-sso.com/connect/token HTTP/1.1",
		"https://app/cb?code=eu.x&state=s&iss=https%3A%2F%2Fidp.himsa-sso.com", "https://u:p@idp-eu.himsa-sso.com/home/error?errorId=x",
		"https://app/cb#error=access_denied&error_description=%1b%5b31m", "'https://x/?a=\xff\xfe'", "/connect/authorize", "myapp://cb?code=us.1"} {
		f.Add(s)
	}
	const planted = "PLANTED-CODE-0123456789"
	endpoints := himsa()
	f.Fuzz(func(t *testing.T, raw string) {
		check := func(fs *Facts, err error) {
			if err != nil {
				if _, ok := err.(*InputError); !ok {
					t.Fatalf("not an InputError: %v", err)
				}
				return
			}
			texts := []string{fs.URL, fs.Host, fs.Path}
			for _, p := range fs.Params {
				texts = append(texts, p.Name, p.Value)
			}
			for _, p := range fs.Problems {
				texts = append(texts, p.Param, p.Value, p.Detail)
			}
			for _, s := range texts {
				if safe.Printable(s) != s {
					t.Fatalf("not printable: %q", s)
				}
				if strings.Contains(s, planted) {
					t.Fatalf("the planted code shows: %q", s)
				}
			}
			if len(fs.Params) > MaxParams || utf8.RuneCountInString(fs.URL) > MaxURL+1 {
				t.Fatalf("unbounded: %d params, URL %d runes", len(fs.Params), utf8.RuneCountInString(fs.URL))
			}
		}
		if strings.Contains(raw, planted) {
			return
		}
		check(Read(raw, endpoints, ""))
		u, _, _, err := extract(raw)
		if err != nil {
			return
		}
		sep := "&"
		if !strings.ContainsAny(u, "?#") {
			sep = "?"
		}
		check(Read(u+sep+"code="+planted, endpoints, ""))
		if i := strings.Index(u, "://"); i > 0 && !strings.Contains(u, "@") { // and as a password
			check(Read(u[:i+3]+"x:"+planted+"@"+u[i+3:], endpoints, ""))
		}
	})
}
