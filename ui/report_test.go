package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"ssodesk/report/reporttest"
)

// reportDialogAt opens the report dialog with d on screen m, writing to a
// fresh directory.
func reportDialogAt(t *testing.T, m Model) Model {
	t.Helper()
	m.com.WorkDir = t.TempDir()
	m, _ = intend(t, m, "d")
	if m.active != screenReport {
		t.Fatalf("d opened screen %v, want the report dialog", m.active)
	}
	return m
}

// writeReport presses enter and delivers the written report.
func writeReport(t *testing.T, m Model) (Model, string) {
	t.Helper()
	m, cmd := press(m, "enter")
	msg, ok := run(cmd).(reportWrittenMsg)
	if !ok {
		t.Fatalf("enter wrote nothing: %#v", msg)
	}
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	m, cmd = m.update(msg)
	if cmd == nil {
		t.Error("the paths were not copied")
	}
	body, err := os.ReadFile(msg.w.Report)
	if err != nil {
		t.Fatal(err)
	}
	reporttest.Parse(t, body)
	return m, string(body)
}

func TestReportOfAFailedLogin(t *testing.T) {
	m := reportDialogAt(t, refusedAt(t, 100, 30))
	wantAll(t, screenText(m), "Diagnosis report", "Report file: ssodesk-report-20261121-093000.md", "[ ] mask personal data")
	m, body := writeReport(t, m)
	wantAll(t, screenText(m), "Report: "+filepath.Join(m.com.WorkDir, "ssodesk-report-20261121-093000.md"))
	for _, want := range []string{"✗ the login failed at the pre-flight step", "does not accept the redirect URI", "| discovery | ✓ |",
		"Request Id 0HMVD2KS3B1QJ:00000001"} {
		if !strings.Contains(body, want) {
			t.Errorf("the report lacks %q:\n%s", want, body)
		}
	}
	if m, _ = intend(t, m, "esc"); m.active != screenLogin {
		t.Errorf("esc went to %v, want the login screen", m.active)
	}
}

func TestReportOfTheSessionMasked(t *testing.T) {
	m := reportDialogAt(t, sessionAt(t, 100, 30, sampleResult()))
	m, _ = press(m, "tab")
	wantAll(t, screenText(m), "[x] mask personal data")
	_, body := writeReport(t, m)
	if strings.Contains(body, "Mette") || strings.Contains(body, "5f0c2a9e-0001") || !strings.Contains(body, "`user-1`") ||
		!strings.Contains(body, "✓ logged in; the ID token verified") {
		t.Errorf("the masked report of the session:\n%s", body)
	}
	// A file that exists is never overwritten: the error names it.
	m2 := reportDialogAt(t, sessionAt(t, 100, 30, sampleResult()))
	m2.com.WorkDir = m.com.WorkDir
	m2, cmd := press(m2, "enter")
	m2, _ = m2.update(run(cmd))
	wantAll(t, screenText(m2), "already exists")
}

func TestGoldenReportDialog(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {80, 24}} {
		m := reportDialogAt(t, refusedAt(t, size[0], size[1]))
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) { golden.RequireEqual(t, screenText(m)) })
	}
}

func TestReportDialogFitsTheWindow(t *testing.T) {
	for _, size := range [][2]int{{20, 5}, {80, 24}, {100, 30}, {1, 1}} {
		w, h := size[0], size[1]
		m := reportDialogAt(t, sessionAt(t, w, h, sampleResult()))
		m, cmd := press(m, "enter")
		m, _ = m.update(run(cmd)) // the written paths, long ones
		lines := strings.Split(m.View().Content, "\n")
		if len(lines) > max(h, 1) {
			t.Errorf("%dx%d: %d lines", w, h, len(lines))
		}
		for _, l := range lines {
			if lw := ansi.StringWidth(l); lw > max(w, 3) {
				t.Errorf("%dx%d: line %q is %d wide", w, h, ansi.Strip(l), lw)
			}
		}
	}
}
