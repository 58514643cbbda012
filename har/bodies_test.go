package har

import (
	"strings"
	"testing"
)

// OnlyDiagnosticBodies keeps what a diagnosis reads (JSON, HTML, forms,
// untyped) and drops a busy page's scripts and images.
func TestOnlyDiagnosticBodies(t *testing.T) {
	entry := func(url, mime, text string) string {
		return `{"startedDateTime":"2026-12-07T10:00:00Z","time":1,"request":{"method":"GET","url":"` + url + `","headers":[]},` +
			`"response":{"status":200,"headers":[],"content":{"mimeType":"` + mime + `","text":"` + text + `"}}}`
	}
	doc := `{"log":{"version":"1.2","entries":[` + strings.Join([]string{
		entry("https://idp.test/token", "application/json; charset=utf-8", `{\"id_token\":\"x\"}`),
		entry("https://idp.test/home/error", "text/html", "<h1>Error</h1>"),
		entry("https://cdn.test/app.js", "text/javascript", "var big=1"),
		entry("https://cdn.test/logo.png", "image/png", "PNG"),
		entry("https://idp.test/untyped", "", "plain"),
	}, ",") + `]}}`
	for _, only := range []bool{false, true} {
		log, err := Read(strings.NewReader(doc), "t.har", Options{OnlyDiagnosticBodies: only})
		if err != nil {
			t.Fatal(err)
		}
		kept := map[string]bool{}
		for _, x := range log.Exchanges {
			kept[x.URL.Path] = x.ResponseBody != ""
		}
		want := map[string]bool{"/token": true, "/home/error": true, "/app.js": !only, "/logo.png": !only, "/untyped": true}
		for p, w := range want {
			if kept[p] != w {
				t.Errorf("only=%v: body of %s kept %v, want %v", only, p, kept[p], w)
			}
		}
	}
}
