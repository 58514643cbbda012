package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tmuxSession is the real ssodesk binary running in a tmux window, on a
// private tmux server so it never touches the user's.
type tmuxSession struct {
	t      *testing.T
	socket string
	target string
	// changed gets a token whenever the window's program writes to the
	// terminal (tmux control mode's %output): waitFor looks at the screen
	// again then, and only then.
	changed chan struct{}
}

// startTmux runs command (a shell command line) in a new w×h tmux window.
func startTmux(t *testing.T, w, h int, env []string, command string) *tmuxSession {
	t.Helper()
	path, _ := exec.LookPath("tmux")
	requireTool(t, "tmux", path)
	s := &tmuxSession{t: t, socket: fmt.Sprintf("ssodesk-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), target: "e2e"}
	args := []string{"new-session", "-d", "-s", s.target, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h)}
	for _, kv := range env {
		args = append(args, "-e", kv)
	}
	args = append(args, command)
	s.tmux(args...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.watch()
	return s
}

// watch attaches a control-mode client that never sizes the window
// (ignore-size) nor types into it (read-only), and turns its %output
// notifications into tokens on s.changed.
func (s *tmuxSession) watch() {
	s.t.Helper()
	s.changed = make(chan struct{}, 1)
	cmd := exec.Command("tmux", "-L", s.socket, "-C", "attach-session", "-r", "-f", "ignore-size", "-t", s.target)
	stdin, err := cmd.StdinPipe() // held open: control mode ends with its input
	if err != nil {
		s.t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("tmux control client: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := bufio.NewReader(stdout)
		for {
			line, err := r.ReadSlice('\n')
			if bytes.HasPrefix(line, []byte("%output ")) || bytes.HasPrefix(line, []byte("%layout-change ")) {
				select {
				case s.changed <- struct{}{}:
				default:
				}
			}
			if err == bufio.ErrBufferFull {
				for err == bufio.ErrBufferFull { // the rest of a long %output line
					_, err = r.ReadSlice('\n')
				}
			}
			if err != nil {
				return
			}
		}
	}()
	s.t.Cleanup(func() { stdin.Close(); <-done; _ = cmd.Wait() }) // after kill-server (cleanups run last first)
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", s.target) }

func (s *tmuxSession) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", s.target}, keys...)...)
}

// waitFor waits until the screen contains want, looking at it again each
// time the program writes to the terminal.
func (s *tmuxSession) waitFor(want string, timeout time.Duration) string {
	s.t.Helper()
	return s.waitUntil(func(screen string) bool { return strings.Contains(screen, want) }, fmt.Sprintf("showed %q", want), timeout)
}

// waitForMatch waits until a line of the screen matches re.
func (s *tmuxSession) waitForMatch(re *regexp.Regexp, timeout time.Duration) string {
	s.t.Helper()
	return s.waitUntil(re.MatchString, "matched "+re.String(), timeout)
}

// waitUntil returns the screen once ok(screen); it fails the test when the
// program has not drawn such a screen within timeout.
func (s *tmuxSession) waitUntil(ok func(string) bool, what string, timeout time.Duration) string {
	s.t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		last := s.screen()
		if ok(last) {
			return last
		}
		select {
		case <-s.changed:
		case <-deadline.C:
			if last = s.screen(); ok(last) {
				return last
			}
			s.t.Fatalf("screen never %s; last screen:\n%s", what, last)
			return ""
		}
	}
}

// waitExited waits for the window's shell to signal the tmux channel
// "exited" (tmux keeps a signal that came before the wait).
func (s *tmuxSession) waitExited(timeout time.Duration) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "tmux", "-L", s.socket, "wait-for", "exited").CombinedOutput(); err != nil {
		s.t.Fatalf("the program did not exit within %v (%v %s); screen:\n%s", timeout, err, out, s.screen())
	}
}

// traceRow matches a row of the trace list for an exchange of the given
// purpose ("api", "token", …): number, time, purpose, method, status.
func traceRow(purpose string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\s*(▸\s*)?\d+ \d\d:\d\d:\d\d ` + regexp.QuoteMeta(purpose) + ` +[A-Z]+ +(\d{3}|cache) `)
}

// chromiumEnv is the environment that makes headless Chromium, driven by
// chromebrowser, the $BROWSER of a program, clicking account.
func chromiumEnv(t *testing.T, account string) []string {
	t.Helper()
	requireTool(t, "chromium", chromiumPath())
	browser := goBuild(t, "./e2e/chromebrowser", "chromebrowser")
	return []string{"BROWSER=" + browser, "CHROMEBROWSER_ACCOUNT=" + account, "CHROMEBROWSER_CHROMIUM=" + chromiumPath()}
}

// TestTmuxDemoLogin drives `ssodesk demo` in a real terminal as a person
// would, with headless Chromium as the system browser: pick the global
// region, log in (Chromium clicks an EU account), see the summary, the ID
// token's report and userinfo, call the API (200), look at the HTTP trace,
// survive a resize to 20×5 and back, quit with q: exit 0 and the terminal
// restored.
func TestTmuxDemoLogin(t *testing.T) {
	env := chromiumEnv(t, "mette.sorensen@nordlyd-hoerecenter.dk")
	bin := goBuild(t, ".", "ssodesk")
	dir := t.TempDir()
	exitFile := filepath.Join(dir, "exit")
	// The shell in the window signals the tmux channel "exited" once the
	// exit code is in exitFile (tmux in a window talks to its own server).
	cmd := fmt.Sprintf("%s demo --log %s; echo $? > %s; tmux wait-for -S exited; sleep 60", bin, filepath.Join(dir, "ssodesk.log"), exitFile)
	s := startTmux(t, 100, 30, append(env, "XDG_CONFIG_HOME="+dir, "TERM=xterm-256color"), cmd)

	s.waitFor("Where do you want to log in?", 20*time.Second)
	s.waitFor("global — Global (pick an account in any region), stand-in", 5*time.Second)
	s.keys("Enter")
	screen := s.waitFor("Code prefix", 60*time.Second) // Chromium starts slowly on 2 cores
	for _, want := range []string{"Logged in as Mette Sørensen", "b2a1e7c4-0001-4d2e-8f10-0e0000000001", "Code prefix    eu",
		"picked an account in EU", "✓ verified"} {
		if !strings.Contains(screen, want) {
			t.Errorf("summary lacks %q:\n%s", want, screen)
		}
	}
	s.keys("2")
	s.waitFor("✓ signature", 5*time.Second)
	s.keys("u")
	screen = s.waitFor("[only in userinfo]", 10*time.Second)
	if !strings.Contains(screen, "noahuserid") || !strings.Contains(screen, "100241") {
		t.Errorf("userinfo tab:\n%s", screen)
	}
	s.keys("1")
	// The API console: the first preset (me) with the session's token.
	s.keys("a")
	s.waitFor("No call yet", 5*time.Second)
	s.keys("Enter")
	screen = s.waitFor("200 OK", 10*time.Second)
	if !strings.Contains(screen, "b2a1e7c4-0001-4d2e-8f10-0e0000000001") {
		t.Errorf("API call screen lacks the tenant:\n%s", screen)
	}
	// The HTTP trace lists the login's exchanges and the API call: wait for
	// the call's row, not for the screen's title.
	s.keys("t")
	screen = s.waitForMatch(traceRow("api"), 5*time.Second)
	for _, purpose := range []string{"discovery", "token"} {
		if !traceRow(purpose).MatchString(screen) {
			t.Errorf("trace lacks a %s row:\n%s", purpose, screen)
		}
	}
	s.keys("Escape") // back to the console (two at once would arrive as alt+esc)
	s.waitFor("API base", 5*time.Second)
	s.keys("Escape") // back to the session
	s.waitFor("Code prefix", 5*time.Second)

	// At 20×5 the session's title keeps who (shortened) and the region, which
	// only the redrawn small screen shows: wait for that, then check all of
	// it fits.
	s.tmux("resize-window", "-t", s.target, "-x", "20", "-y", "5")
	small := s.waitFor("Logged in as… · eu", 5*time.Second)
	lines := strings.Split(strings.TrimRight(small, "\n"), "\n")
	if len(lines) != 5 || strings.Contains(small, "panic") || !strings.Contains(small, "tab next tab") {
		t.Errorf("the session at 20×5 (%d lines):\n%s", len(lines), small)
	}
	s.tmux("resize-window", "-t", s.target, "-x", "100", "-y", "30")
	s.waitFor("Logged in as Mette Sørensen", 5*time.Second)
	s.waitFor("Code prefix", 5*time.Second)

	s.keys("q")
	s.waitExited(10 * time.Second)
	code, _ := os.ReadFile(exitFile)
	if strings.TrimSpace(string(code)) != "0" {
		t.Fatalf("exit code %q; screen:\n%s", code, s.screen())
	}
	if after := s.screen(); strings.Contains(after, "Code prefix") || strings.Contains(after, "DEMO") {
		t.Errorf("terminal not restored after quit:\n%s", after)
	}
}

// TestTmuxCancelInChromium: the user presses Cancel on the IdP's page; the
// TUI says plainly that they cancelled, and esc returns to the picker.
func TestTmuxCancelInChromium(t *testing.T) {
	env := chromiumEnv(t, "cancel")
	bin := goBuild(t, ".", "ssodesk")
	dir := t.TempDir()
	exitFile := filepath.Join(dir, "exit")
	s := startTmux(t, 100, 30, append(env, "XDG_CONFIG_HOME="+dir, "TERM=xterm-256color"),
		fmt.Sprintf("%s demo; echo $? > %s; tmux wait-for -S exited; sleep 60", bin, exitFile))
	s.waitFor("Where do you want to log in?", 20*time.Second)
	s.keys("Enter")
	screen := s.waitFor("You cancelled at the IdP", 60*time.Second)
	if !strings.Contains(screen, "t shows every HTTP exchange") {
		t.Errorf("no pointer to the trace:\n%s", screen)
	}
	s.keys("Escape")
	s.waitFor("Where do you want to log in?", 5*time.Second)
	s.keys("q")
	s.waitExited(10 * time.Second)
	if code, _ := os.ReadFile(exitFile); strings.TrimSpace(string(code)) != "0" {
		t.Fatalf("exit code %q after a cancelled login and q; screen:\n%s", code, s.screen())
	}
}

// TestTmuxHARFlows: `ssodesk har FILE` in a terminal opens the flows
// screen; enter shows the flow with the IdP's error page, its cause and
// fix; esc goes back to the flows; q quits with the exit code 0 and the
// terminal restored.
func TestTmuxHARFlows(t *testing.T) {
	bin := goBuild(t, ".", "ssodesk")
	dir := t.TempDir()
	exitFile := filepath.Join(dir, "exit")
	file, err := filepath.Abs(filepath.Join("..", "cli", "testdata", "himsa-error-page.har"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := fmt.Sprintf("%s har %s; echo $? > %s; tmux wait-for -S exited; sleep 60", bin, file, exitFile)
	s := startTmux(t, 110, 40, []string{"XDG_CONFIG_HOME=" + dir, "TERM=xterm-256color"}, cmd)

	screen := s.waitFor("failed at step 2 error_page", 20*time.Second)
	for _, want := range []string{"himsa-error-page.har: 2 entries", "exported without sensitive data", "▸ ✗ 1 acme-webapp at production global"} {
		if !strings.Contains(screen, want) {
			t.Errorf("flows screen lacks %q:\n%s", want, screen)
		}
	}
	s.keys("Enter")
	screen = s.waitFor("Request Id 0HN8:00000001", 5*time.Second)
	for _, want := range []string{"✗ 2 error_page", "#2 GET 200 https://idp.himsa-sso.com/home/error?errorId=CfDJ8ENCRYPTED",
		"cause: The IdP does not know the client acme-webapp", "fix:   Confirm it with `ssodesk check --client-id acme-webapp"} {
		if !strings.Contains(screen, want) {
			t.Errorf("flow screen lacks %q:\n%s", want, screen)
		}
	}
	s.keys("Escape")
	s.waitFor("Login flows: 1", 5*time.Second)
	s.keys("q")
	s.waitExited(10 * time.Second)
	if code, _ := os.ReadFile(exitFile); strings.TrimSpace(string(code)) != "0" {
		t.Fatalf("exit code %q; screen:\n%s", code, s.screen())
	}
	if after := s.screen(); strings.Contains(after, "Login flows") {
		t.Errorf("terminal not restored after quit:\n%s", after)
	}
}
