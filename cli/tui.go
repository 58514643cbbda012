package cli

import (
	"bufio"
	"fmt"
	"log/slog"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"ssodesk/config"
	"ssodesk/ui"
)

// runTUI opens the TUI against the configured HIMSA endpoints. Without a
// client ID it explains how to set one and offers the demo instead.
func runTUI(cmd *cobra.Command, g *globalFlags, cfg *config.Config) error {
	if cfg.ClientID == "" {
		fmt.Fprint(os.Stderr, noClientIDHelp(cfg))
		if !term.IsTerminal(os.Stdin.Fd()) {
			return usageError{fmt.Errorf("no client ID configured")}
		}
		fmt.Fprint(os.Stderr, "\nStart the offline demo now? [Y/n] ")
		answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "" && a != "y" && a != "yes" {
			return usageError{fmt.Errorf("no client ID configured")}
		}
		return runDemo(cmd, g, cfg, demoOptions{})
	}
	com, svc, err := newTUI(cfg, nil)
	if err != nil {
		return usageError{err}
	}
	return runProgram(g, com, svc, "")
}

// runProgram runs the TUI. Libraries that log through slog (zitadel's op in
// the stand-in) would draw over the screen, so their logs go to --log or
// nowhere; with --log, the TUI's trace is written there when it ends. A
// harFile starts it on that HAR file's flows screen (ssodesk har FILE).
func runProgram(g *globalFlags, com *ui.Common, svc *ui.Services, harFile string) error {
	if g.log == nil {
		prev := slog.Default()
		slog.SetDefault(slog.New(slog.DiscardHandler))
		defer slog.SetDefault(prev)
	}
	m := ui.New(com, svc)
	if harFile != "" {
		m = ui.NewHAR(com, svc, harFile)
	}
	_, err := tea.NewProgram(m).Run()
	g.logTrace(svc.Trace)
	return err
}

func noClientIDHelp(cfg *config.Config) string {
	file := cfg.File
	if file == "" {
		file = config.DefaultFile()
	}
	return fmt.Sprintf(`ssodesk: no client ID configured.

To log in to HIMSA SSO, put the client ID HIMSA gave you (and the redirect URI
they whitelisted for it) in %s:

    client_id: your-client-id
    redirect_uri: http://127.0.0.1:8765/callback

or pass --client-id / set SSODESK_CLIENT_ID.
To try ssodesk offline against the built-in stand-in of the HIMSA IdP: ssodesk demo
`, file)
}
