package ui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"ssodesk/auth"
	"ssodesk/config"
)

// twoEnvModel is the picker with HIMSA's production and QA environments.
func twoEnvModel(w, h int) Model {
	cfg := testConfig().ForDemo("my-app", config.BuiltinEnvironments()...)
	cfg.Store = ""
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: func() time.Time { return now }}
	return step(New(com, testServices(com.Cfg, nil)), tea.WindowSizeMsg{Width: w, Height: h})
}

// qaResult is a login through the QA global endpoint with an EU account,
// exchanged at QA EU (exchange_at: code-region).
func qaResult() *auth.Result {
	res := sampleResult()
	qa := config.BuiltinEnvironments()[1]
	for i := range qa.Endpoints {
		qa.Endpoints[i].Env, qa.Endpoints[i].EnvLabel = qa.Name, qa.Title()
	}
	res.Region, res.ExchangedAt = qa.Endpoints[0], qa.Endpoints[1]
	res.Issuer = qa.Endpoints[1].Issuer
	res.Report.Issuer, res.Report.Region = res.Issuer, "eu"
	res.Claims["iss"], res.Claims["api"] = res.Issuer, "https://api-qa-eu.example/v1"
	return res
}

// The picker groups endpoints by environment (the selected one first, the
// global endpoint first in each); e jumps to the next environment; the
// header names the environment of the selection and its client.
func TestPickerWithTwoEnvironments(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}} {
		m := twoEnvModel(size[0], size[1])
		t.Run("picker-"+strconv.Itoa(size[0])+"x"+strconv.Itoa(size[1]), func(t *testing.T) {
			golden.RequireEqual(t, screenText(m))
		})
	}
	m := twoEnvModel(100, 30)
	wantAll(t, screenText(m), "HIMSA production", "HIMSA production · global", "HIMSA QA · global", "e next environment")
	m, _ = press(m, "e")
	if it := m.regionsScreen().list.SelectedItem().(regionItem); it.r.Env != config.EnvQA || !it.r.Global {
		t.Fatalf("e selected %+v, want QA's global endpoint", it.r)
	}
	wantAll(t, ansiHeader(m), "HIMSA QA", "client my-app")
	m, cmd := press(m, "enter")
	if req, ok := run(cmd).(loginRequestedMsg); !ok || req.region.Env != config.EnvQA {
		t.Fatalf("enter asked for %+v", run(cmd))
	}
}

// The QA Summary tells the story of QA, not of production.
func TestQASummary(t *testing.T) {
	m := twoEnvModel(100, 30)
	res := qaResult()
	m = step(m, loginRequestedMsg{region: res.Region})
	next, cmd := m.Update(loginDoneMsg{id: m.run.id, res: res})
	m = step(next.(Model), inspectedOf(t, cmd, next.(Model).sessionScreen().gen))
	golden.RequireEqual(t, screenText(m))
	wantAll(t, screenText(m), "QA: You used the QA global endpoint and picked an account in EU", "QA EU")
}

func ansiHeader(m Model) string { return m.headerView(80) }

// The regional re-login offered on a QA session is QA's.
func TestQAReloginTargetIsQA(t *testing.T) {
	cfg := testConfig().ForDemo("my-app", config.BuiltinEnvironments()...)
	cfg.Store = ""
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: func() time.Time { return now }}
	m := step(New(com, testServices(com.Cfg, nil)), tea.WindowSizeMsg{Width: 100, Height: 30})
	res := qaResult()
	qa, _ := cfg.ForEnvironment(config.EnvQA)
	res.Region = qa.Regions[0]
	m = step(m, loginDoneMsg{id: m.run.id, res: res})
	wantAll(t, screenText(m), "g logs in again at the QA EU IdP")
	_, cmd := press(m, "g")
	if in, ok := run(cmd).(reloginRequestedMsg); !ok || in.target.Env != config.EnvQA {
		t.Fatalf("g asked for %+v", run(cmd))
	}
}

// The picker marks the endpoints that have a kept session, per environment.
func TestPickerMarksKeptSessions(t *testing.T) {
	m := twoEnvModel(100, 30)
	m.svc.Kept = func() map[config.EndpointID]bool { return map[config.EndpointID]bool{{Env: "qa", Name: "eu"}: true} }
	m = step(m, run(keptCmd(m.svc.Kept)))
	s := screenText(m)
	wantAll(t, s, "HIMSA QA · eu — QA EU  ● kept session")
	if strings.Count(s, "● kept session") != 1 {
		t.Errorf("marks:\n%s", s)
	}
}
