package sampleapp

import (
	_ "embed"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
)

//go:embed spa.html
var spaHTML string

var spaTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("spa").Parse(spaHTML))
})

// spaRegion is what the page knows of one endpoint without discovery (its
// static metadata) and the region's API base.
type spaRegion struct {
	Issuer    string `json:"issuer"`
	Authorize string `json:"authorization_endpoint"`
	Token     string `json:"token_endpoint"`
	Userinfo  string `json:"userinfo_endpoint"`
	API       string `json:"api"`
}

// spaConfig is the page's configuration (the app's settings).
type spaConfig struct {
	ClientID string               `json:"clientId"`
	Scope    string               `json:"scope"`
	Regions  map[string]spaRegion `json:"regions"`
}

// newSPA serves the single-page app: the same page at / (start), /callback
// (the redirect URI) and /silent (the silent renew's redirect URI, which
// hands its URL to the parent page).
func newSPA(a *Apps) http.Handler {
	cfg := spaConfig{ClientID: a.SPAClientID, Scope: "openid profile offline_access noah.cloud.app.users.api", Regions: map[string]spaRegion{}}
	for _, r := range a.Sim.Regions() {
		cfg.Regions[r.Name] = spaRegion{Issuer: r.Issuer, Authorize: r.AuthorizeURL(), Token: r.TokenURL(), Userinfo: r.UserinfoURL(), API: r.API}
	}
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := spaTmpl().Execute(w, cfg); err != nil {
			slog.WarnContext(r.Context(), "sampleapp: rendering the SPA", "error", err)
		}
	}
	mux.HandleFunc("/{$}", page)
	mux.HandleFunc("/callback", page)
	mux.HandleFunc("/silent", page)
	mux.HandleFunc("/favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return mux
}
