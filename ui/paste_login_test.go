package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
	"ssodesk/explain"
	"ssodesk/session"
	"ssodesk/sim"
)

// pump runs a model as a program would: every Cmd in its own goroutine,
// their messages handed to the model one at a time (spinner ticks and
// blinks aside: they only animate).
type pump struct {
	t    *testing.T
	m    Model
	msgs chan tea.Msg
}

func newPump(t *testing.T, m Model) *pump { return &pump{t: t, m: m, msgs: make(chan tea.Msg, 64)} }

func (p *pump) start(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				p.start(c)
			}
			return
		}
		if _, tick := msg.(spinner.TickMsg); msg == nil || tick || strings.Contains(strings.ToLower(fmt.Sprintf("%T", msg)), "blink") {
			return
		}
		p.msgs <- msg
	}()
}

// send hands msg to the model and starts what it asks.
func (p *pump) send(msg tea.Msg) {
	next, cmd := p.m.Update(msg)
	p.m = next.(Model)
	p.start(cmd)
}

// until hands the model messages until its screen shows want.
func (p *pump) until(want string) {
	p.t.Helper()
	deadline := time.After(5 * time.Second)
	for !strings.Contains(strings.Join(strings.Fields(screenText(p.m)), " "), want) {
		select {
		case msg := <-p.msgs:
			p.send(msg)
		case <-deadline:
			p.t.Fatalf("the screen never showed %q:\n%s", want, screenText(p.m))
		}
	}
}

// A login as another app (its redirect URI is not a loopback one) shows
// explain's paste-back hint and a box; what is pasted reaches the login's
// Pasted channel; a paste the login refuses shows its warning, and the
// next paste is taken.
func TestPasteBackLogin(t *testing.T) {
	cfg := testConfig()
	cfg.ClientID, cfg.RedirectURI = "acme-webapp", "https://app.acme.example/signin-oidc"
	svc := testServices(cfg, nil)
	got := make(chan string, 4)
	svc.Login = func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
		if req.Pasted == nil {
			return nil, &auth.PasteBackError{RedirectURI: cfg.RedirectURI}
		}
		progress(auth.Event{Step: auth.StepDiscovered, Msg: "read the discovery document"})
		progress(auth.Event{Step: auth.StepListening, Msg: "another app's", URL: cfg.RedirectURI, PasteBack: true})
		progress(auth.Event{Step: auth.StepBrowser, Msg: "opening the browser", URL: "https://idp-eu.himsa-sso.com/connect/authorize?client_id=acme-webapp&state=S1"})
		for {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case raw := <-req.Pasted:
				got <- raw
				if !strings.Contains(raw, "state=S1") {
					progress(auth.Event{Step: auth.StepWarning, Msg: "pasted URL refused: the state does not match this login's"})
					continue
				}
				return nil, errors.New("exchange: stopped here by the test")
			}
		}
	}
	p := newPump(t, pickerWith(cfg, svc, 120, 50))
	p.send(tea.KeyPressMsg{Code: tea.KeyDown})
	p.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.until("Address-bar URL after the login:")
	wantAll(t, screenText(p.m), explain.PasteBackHint(cfg.RedirectURI), "enter send the pasted URL", "p type the URL")

	p.send(tea.PasteMsg{Content: "https://app.acme.example/signin-oidc?code=eu.SECRETCODE123456&state=WRONG\n"})
	if s := screenText(p.m); strings.Contains(s, "SECRETCODE123456") {
		t.Errorf("the pasted code is shown:\n%s", s)
	}
	p.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.until("pasted URL refused: the state does not match this login's")
	if raw := <-got; raw != "https://app.acme.example/signin-oidc?code=eu.SECRETCODE123456&state=WRONG" {
		t.Errorf("the login got %q", raw)
	}
	wantAll(t, screenText(p.m), "1 sent; a warning above says when one is refused")

	p.send(tea.KeyPressMsg{Code: 'p', Text: "p"}) // typed, this time
	for _, r := range "https://app.acme.example/signin-oidc?code=eu.X&state=S1" {
		p.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	small := p.m
	small = step(small, tea.WindowSizeMsg{Width: 20, Height: 5})
	fits(t, "the paste-back login at 20x5", small.View().Content, 20, 5)
	p.send(tea.WindowSizeMsg{Width: 120, Height: 50}) // Common is shared: the size goes back
	p.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.until("stopped here by the test")
	if raw := <-got; raw != "https://app.acme.example/signin-oidc?code=eu.X&state=S1" {
		t.Errorf("the second paste reached the login as %q", raw)
	}
}

// A loopback login takes no paste: the login gets no Pasted channel and
// the screen shows no box.
func TestLoopbackLoginHasNoPasteBox(t *testing.T) {
	cfg := testConfig()
	svc := testServices(cfg, nil)
	svc.Login = func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
		if req.Pasted != nil {
			t.Error("a loopback login got a Pasted channel")
		}
		progress(auth.Event{Step: auth.StepListening, Msg: "listening for the redirect on http://127.0.0.1:8765/callback", URL: "http://127.0.0.1:8765/callback"})
		progress(auth.Event{Step: auth.StepBrowser, Msg: "opening the browser", URL: "https://idp-eu.himsa-sso.com/connect/authorize?x=1"})
		<-ctx.Done()
		return nil, ctx.Err()
	}
	p := newPump(t, pickerWith(cfg, svc, 120, 40))
	p.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.until("Authorize URL")
	if s := screenText(p.m); strings.Contains(s, "Address-bar URL") {
		t.Errorf("a loopback login shows the paste box:\n%s", s)
	}
	p.send(tea.KeyPressMsg{Code: tea.KeyEscape})
}

// Against the stand-in, through the real services: a login as its web
// app shows the box; the stand-in's redirect to the app is not followed;
// the address-bar URL pasted is exchanged, and the session is the app's.
func TestStandInPasteBackLogin(t *testing.T) {
	_, cfg := startStandIn(t, sim.Options{})
	cfg.ClientID, cfg.RedirectURI = sim.WebAppClientID, sim.WebAppRedirectURI
	cfg.Scopes, cfg.OfflineAccess = []string{"openid", "profile", "email"}, false
	bars := make(chan string, 1)
	open := func(ctx context.Context, u string) error {
		go func() {
			b := sim.NewBrowser()
			_, _, _ = b.Login(ctx, u, "")
			bars <- b.AddressBar()
		}()
		return nil
	}
	client := auth.NewHTTPClient(time.Minute)
	svc := realServices(cfg, client, session.New(cfg, client, nil), open)
	p := newPump(t, pickerWith(cfg, svc, 140, 60))
	p.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.until("Address-bar URL after the login:")
	var bar string
	select {
	case bar = <-bars:
	case <-time.After(10 * time.Second):
		t.Fatal("the browser never stopped at the app's URL")
	}
	if !strings.HasPrefix(bar, sim.WebAppRedirectURI+"?code=") {
		t.Fatalf("the browser stopped at %q", bar)
	}
	p.send(tea.PasteMsg{Content: "https://app.acme.example/signin-oidc?code=eu.NOT-A-CODE&state=another-login"})
	p.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.until("pasted URL refused")
	p.send(tea.PasteMsg{Content: "  " + bar + "\n"})
	p.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	p.until("Logged in as")
	res := p.m.sessionScreen().res
	if aud := fmt.Sprint(res.Claims["aud"]); !strings.Contains(aud, sim.WebAppClientID) {
		t.Errorf("the session's audience is %s, want %s", aud, sim.WebAppClientID)
	}
}
