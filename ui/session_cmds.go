package ui

import (
	"fmt"

	"github.com/atotto/clipboard"

	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
)

type inspectedMsg struct {
	gen  int
	insp inspection
}

type userInfoMsg struct {
	gen  int
	info *auth.UserInfo
	err  error
}

type refreshedMsg struct {
	gen int
	out *auth.Refreshed
	err error
}

// inspectCmd decodes the access and refresh tokens (which may be huge) and
// verifies a JWT access token, off the UI goroutine.
func (m sessionModel) inspectCmd() tea.Cmd {
	gen, res, verify, c := m.gen, m.res, m.svc.VerifyAccess, m.screenContext
	return func() tea.Msg {
		var in inspection
		in.accessKind, in.access, in.accessErr = auth.ClassifyToken(res.Token.AccessToken)
		in.refreshKind, _, _ = auth.ClassifyToken(res.Token.RefreshToken)
		if verify != nil {
			ctx, cancel := c.timeout()
			defer cancel()
			in.accessRep = verify(ctx, res)
		}
		return inspectedMsg{gen: gen, insp: in}
	}
}

// errNoService is the error of a service this run was not given.
func errNoService(what string) error { return fmt.Errorf("%s is not available in this run", what) }

func (m sessionModel) userInfoCmd() tea.Cmd {
	gen, res, userInfo, c := m.gen, m.res, m.svc.UserInfo, m.screenContext
	return func() tea.Msg {
		if userInfo == nil {
			return userInfoMsg{gen: gen, err: errNoService("userinfo")}
		}
		ctx, cancel := c.timeout()
		defer cancel()
		info, err := userInfo(ctx, res)
		return userInfoMsg{gen: gen, info: info, err: err}
	}
}

func (m sessionModel) refreshCmd() tea.Cmd {
	gen, res, refresh, c := m.gen, m.res, m.svc.Refresh, m.screenContext
	return func() tea.Msg {
		if refresh == nil {
			return refreshedMsg{gen: gen, err: errNoService("refresh")}
		}
		ctx, cancel := c.timeout()
		defer cancel()
		out, err := refresh(ctx, res)
		return refreshedMsg{gen: gen, out: out, err: err}
	}
}

// copiedMsg reports a copy to the clipboard.
type copiedMsg struct {
	what     string
	n        int
	localErr error
	empty    bool
}

func (c copiedMsg) text() string {
	if c.empty {
		return "nothing to copy here"
	}
	if c.localErr != nil {
		// OSC 52 has no answer: the terminal may have dropped it.
		return fmt.Sprintf("sent %s (%d bytes) to the terminal (OSC 52); it may ignore it, and there is no local clipboard here", c.what, c.n)
	}
	return fmt.Sprintf("copied %s (%d bytes) to the local clipboard (and sent it to the terminal, OSC 52)", c.what, c.n)
}

// copyCmd copies text with OSC 52 (works over SSH) and to the local
// clipboard where one exists.
func copyCmd(what, text string) tea.Cmd {
	local := func() tea.Msg {
		return copiedMsg{what: what, n: len(text), localErr: clipboard.WriteAll(text)}
	}
	return tea.Batch(tea.SetClipboard(text), local)
}

// introspectedMsg carries the IdP's word on session gen's access token.
type introspectedMsg struct {
	gen int
	in  *auth.Introspection
	err error
}

func (m sessionModel) introspectCmd() tea.Cmd {
	gen, res, introspect, c := m.gen, m.res, m.svc.Introspect, m.screenContext
	return func() tea.Msg {
		if introspect == nil {
			return introspectedMsg{gen: gen, err: errNoService("introspection")}
		}
		ctx, cancel := c.timeout()
		defer cancel()
		in, err := introspect(ctx, res, res.Token.AccessToken)
		return introspectedMsg{gen: gen, in: in, err: err}
	}
}

func (inspectedMsg) target() screenID    { return screenSession }
func (userInfoMsg) target() screenID     { return screenSession }
func (refreshedMsg) target() screenID    { return screenSession }
func (introspectedMsg) target() screenID { return screenSession }
