package cli

import (
	"context"
	"errors"
	"net/http"

	"ssodesk/auth"
	"ssodesk/compare"
	"ssodesk/config"
	"ssodesk/health"
	"ssodesk/report"
	"ssodesk/session"
	"ssodesk/transport"
	"ssodesk/ui"
)

// tuiServices are the TUI's ui.Services: m's session work
// (ui.SessionServices: logins, checks, API calls, reports), the picker's
// health, the trace and the HAR screens' work (harServices). It only
// wires: every decision stays in session/, auth/ and api/. open is the
// browser of logins and logouts (nil: the system's); probes is the health
// cache of the picker (nil: no health column); client reads the two
// environments the picker's D compares (ssodesk diff --env).
func tuiServices(cfg *config.Config, m *session.Manager, open auth.Opener, probes *health.Cache, tr *transport.Trace, client *http.Client) *ui.Services {
	svc := ui.SessionServices(cfg, m, open)
	svc.Trace = tr
	svc.DiffEnvironments = func(ctx context.Context, a, b config.Environment) *compare.EnvDiff {
		return compare.Environments(ctx, client, a, b, compare.Options{Timeout: cfg.HTTPTimeout}) // as ssodesk diff --env
	}
	if probes != nil {
		svc.Health = probes.Stream
	}
	harServices(svc, cfg, m)
	return svc
}

// harServices are the work of the TUI's HAR screens, the same code as the
// commands': reading a file and finding its flows (ssodesk har), verifying
// a flow's tokens (m.VerifyFound, har --verify), its report (har --report)
// and its sanitised copy (har sanitize).
func harServices(svc *ui.Services, cfg *config.Config, m *session.Manager) {
	svc.OpenHAR = func(_ context.Context, path string) (*ui.HARFile, error) {
		if path == "-" {
			return nil, errors.New("the TUI reads a HAR file, not stdin: give its path")
		}
		log, logins, err := openHar(nil, path, cfg)
		if err != nil {
			return nil, err
		}
		return &ui.HARFile{Path: path, Log: log, Logins: logins}, nil
	}
	svc.VerifyFound = m.VerifyFound
	svc.SaveHARReport = func(_ context.Context, path string, f *ui.HARFile, o report.Options, verified map[string]*auth.Report) (string, error) {
		d := report.DiagnoseHAR(f.Log, f.Logins, report.HAROptions{RedactPII: o.RedactPII, Verified: verified, Now: o.Now})
		return report.SaveHAR(path, d, report.HARSecrets(f.Logins), o)
	}
	svc.SanitizeHAR = func(_ context.Context, f *ui.HARFile, out string, redactPII bool) (string, error) {
		abs, _, err := sanitizeHAR(nil, f.Path, out, redactPII)
		return abs, err
	}
}
