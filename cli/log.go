package cli

import (
	"fmt"
	"log/slog"
	"os"

	"ssodesk/transport"
)

// openLog starts the diagnostic log of --log, for every command: slog
// records (the stand-in's warnings, each login step) go to the file, and
// the HTTP exchanges the command made are traced (redacted, like the TUI's
// trace) and written there when it ends. Without --log nothing is traced,
// and slog keeps its default (stderr) outside the TUI.
func (g *globalFlags) openLog() error {
	if g.logFile == "" || g.log != nil {
		return nil
	}
	f, err := os.OpenFile(g.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return usageError{fmt.Errorf("--log: %w", err)}
	}
	g.log, g.trace, g.prevLogger = f, transport.NewTrace(), slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(f, nil)))
	return nil
}

// logTrace writes tr's exchanges to the log (nothing without --log).
func (g *globalFlags) logTrace(tr *transport.Trace) {
	if g.log == nil {
		return
	}
	for _, e := range tr.Entries() {
		slog.Info("http", "id", e.ID, "purpose", e.Purpose, "method", e.Method, "url", e.URL, "status", e.Status,
			"ms", e.Duration.Milliseconds(), "tls", e.TLSVersion, "error", e.Error, "warning", e.Warning)
	}
}

// closeLog writes the command's exchanges and closes the log.
func (g *globalFlags) closeLog() {
	if g.log == nil {
		return
	}
	g.logTrace(g.trace)
	slog.SetDefault(g.prevLogger)
	_ = g.log.Close()
	g.log = nil
}
