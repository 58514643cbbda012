package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/cli/browser"
)

// Opener opens a URL for the user to log in. It must not write to the
// terminal and should return once the browser has been started.
type Opener func(ctx context.Context, url string) error

var quietBrowser sync.Once

// OpenBrowser is the default Opener: the command in $BROWSER first (a
// colon-separated list as sensible-browser reads it; "%s" in an entry is
// replaced by the URL, otherwise the URL is appended), then the platform's
// opener through github.com/cli/browser. Output is discarded so nothing
// reaches the terminal; the browser process is not waited for, but a
// $BROWSER command that exits non-zero is reported (as a *BrowserExitError)
// to the function withBrowserExit put on ctx, at once.
func OpenBrowser(ctx context.Context, url string) error {
	if env := os.Getenv("BROWSER"); strings.TrimSpace(env) != "" {
		onExit, _ := ctx.Value(browserExitKey{}).(func(*BrowserExitError))
		var errs []error
		for _, entry := range strings.Split(env, ":") {
			if err := startBrowserCommand(entry, url, onExit); err != nil {
				errs = append(errs, err)
				continue
			}
			return nil
		}
		return errors.Join(errs...)
	}
	quietBrowser.Do(func() { browser.Stdout, browser.Stderr = io.Discard, io.Discard })
	return browser.OpenURL(url)
}

func startBrowserCommand(entry, url string, onExit func(*BrowserExitError)) error {
	args := strings.Fields(entry)
	if len(args) == 0 {
		return errors.New("empty $BROWSER entry")
	}
	replaced := false
	for i, a := range args {
		if strings.Contains(a, "%s") {
			args[i] = strings.ReplaceAll(a, "%s", url)
			replaced = true
		}
	}
	if !replaced {
		args = append(args, url)
	}
	cmd := exec.Command(args[0], args[1:]...) // nil Stdin/Stdout/Stderr: the null device
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { // reap, and report a failure: the page may never have opened
		var ee *exec.ExitError
		if err := cmd.Wait(); errors.As(err, &ee) && onExit != nil {
			onExit(&BrowserExitError{Command: args[0], Code: ee.ExitCode()})
		}
	}()
	return nil
}

// BrowserExitError: the $BROWSER command started but exited non-zero.
type BrowserExitError struct {
	Command string // the program ($BROWSER's first word)
	Code    int    // its exit status (-1: killed by a signal)
}

func (e *BrowserExitError) Error() string {
	return fmt.Sprintf("the browser command %s exited with status %d", e.Command, e.Code)
}

type browserExitKey struct{}

// withBrowserExit makes OpenBrowser report a $BROWSER command's non-zero
// exit to fn.
func withBrowserExit(ctx context.Context, fn func(*BrowserExitError)) context.Context {
	return context.WithValue(ctx, browserExitKey{}, fn)
}
