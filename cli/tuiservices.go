package cli

import (
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/health"
	"ssodesk/session"
	"ssodesk/transport"
	"ssodesk/ui"
)

// tuiServices are the TUI's ui.Services: m's session work
// (ui.SessionServices: logins, checks, API calls, reports), the picker's
// health and the trace. It only wires: every decision stays in session/,
// auth/ and api/. open is the browser of logins and logouts (nil: the
// system's); probes is the health cache of the picker (nil: no health
// column).
func tuiServices(cfg *config.Config, m *session.Manager, open auth.Opener, probes *health.Cache, tr *transport.Trace) *ui.Services {
	svc := ui.SessionServices(cfg, m, open)
	svc.Trace = tr
	if probes != nil {
		svc.Health = probes.Stream
	}
	return svc
}
