package cli

import (
	"os"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/health"
	"ssodesk/session"
	"ssodesk/transport"
	"ssodesk/ui"
)

// newTUI wires the TUI for cfg: the HTTP client of the run and its trace,
// the picker's health probes (untraced, on the same connections), the store and one session manager, whose logins open
// open (nil: the system browser). It fails only on a bad CA bundle or store.
func newTUI(cfg *config.Config, open auth.Opener) (*ui.Common, *ui.Services, error) {
	tr := transport.NewTrace()
	tr.SetLimit(config.PerfOf(cfg).TraceEntries)
	client, err := auth.HTTPClientFor(cfg, tr)
	if err != nil {
		return nil, nil, err
	}
	// The probes share the run's connections (untraced: their polling is
	// not the user's traffic), so a login from the picker reuses the
	// connection its endpoint's probe opened, and the discovery document
	// the probe read (issue 26).
	probes := health.NewCache(transport.Untraced(client), cfg.Endpoints(), health.Options{}, health.DefaultTTL)
	st, err := session.OpenStore(cfg, false)
	if err != nil {
		return nil, nil, err
	}
	com := &ui.Common{Cfg: cfg, Styles: ui.NewStyles(true), Keys: ui.DefaultGlobalKeys(), WorkDir: workDir()}
	return com, tuiServices(cfg, session.New(cfg, client, st), open, probes, tr, client), nil
}

// workDir is where the TUI's relative file names go (the trace's HAR
// export, a report).
func workDir() string {
	d, err := os.Getwd()
	if err != nil {
		return "the current directory"
	}
	return d
}
