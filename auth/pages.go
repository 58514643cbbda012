package auth

import (
	"html/template"
	"net/http"
	"sync"
)

// The pages the loopback listener shows in the browser. They never contain a
// token or a code.
// Parsed on first use, not at package init: every ssodesk process would pay
// for it, and only a browser login shows a page.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(pageHTML))
})

const pageHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ssodesk — {{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;color:#222}
h1{font-size:1.4em}.ok{color:#1a7f37}.bad{color:#cf222e}</style></head>
<body><h1 class="{{.Class}}">{{.Title}}</h1><p>{{.Body}}</p>
<p>Return to the terminal. You can close this tab.</p></body></html>
`

type page struct{ Title, Body, Class string }

func writePage(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_ = pageTmpl().Execute(w, p) // a failed write to the browser is not the login's problem
}

var (
	successPage = page{Title: "Login complete", Class: "ok",
		Body: "ssodesk received the login response and is finishing the login."}
	alreadyDonePage = page{Title: "This login has already finished", Class: "ok",
		Body: "ssodesk already received a login response; this one was ignored."}
)

func errorPage(msg string) page {
	return page{Title: "Login failed", Class: "bad", Body: msg}
}
