package ui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
)

// benchSessionModel drives a model as a user would, by messages, to the
// session screen of res with its inspection done: the region picker, enter
// on eu, the login's done message, the decoded tokens. (loginModelAt and
// sessionAt take a *testing.T, so this repeats their steps for a *testing.B.)
func benchSessionModel(b *testing.B, w, h int, res *auth.Result) Model {
	b.Helper()
	m := newTestModel(w, h)
	m, _ = press(m, "down")
	m, cmd := press(m, "enter")
	msg, ok := run(cmd).(loginRequestedMsg)
	if !ok {
		b.Fatalf("enter gave %#v", msg)
	}
	m = step(m, msg)
	next, _ := m.Update(loginDoneMsg{id: m.run.id, res: res})
	m = next.(Model)
	if m.active != screenSession {
		b.Fatalf("screen = %v, want the session", m.active)
	}
	return step(m, m.sessionScreen().inspectCmd()())
}

// BenchmarkSessionView measures View() alone — what Bubble Tea calls after
// every message (a key, the once-a-second countdown tick) — of a normal
// session (sampleResult: a verified ID token, an opaque access token) on
// each tab, at 80×24 and 120×40. Nothing is decoded here; see
// BenchmarkSessionHugeToken for decoding and large tokens.
// Run: go test -run '^$' -bench SessionView ./ui
func BenchmarkSessionView(b *testing.B) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		m := benchSessionModel(b, size[0], size[1], sampleResult())
		for _, t := range []struct{ name, key string }{
			{"summary", "1"}, {"idtoken", "2"}, {"access", "3"}, {"raw", "6"},
		} {
			m, _ := press(m, t.key)
			b.Run(fmt.Sprintf("%dx%d/%s", size[0], size[1], t.name), func(b *testing.B) {
				b.ReportAllocs()
				var v tea.View
				for b.Loop() {
					v = m.View()
				}
				if v.Content == "" {
					b.Fatal("empty view")
				}
			})
		}
	}
}
