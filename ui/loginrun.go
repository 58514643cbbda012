package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"ssodesk/auth"
)

// loginEventMsg carries one progress event of login id.
type loginEventMsg struct {
	id int
	ev auth.Event
}

// loginDoneMsg ends login id.
type loginDoneMsg struct {
	id  int
	res *auth.Result
	err error
}

// loginRun is one login in flight: results come back on ch, tagged with id
// so a stale login's messages are dropped.
type loginRun struct {
	id     int
	ch     chan tea.Msg
	cancel context.CancelFunc
	done   <-chan struct{} // closed when the run is cancelled
	paste  chan<- string   // the login's pasted URLs (LoginRequest.Pasted); nil: none taken
}

// startRun returns the Cmd that runs work (a login of some kind, reporting
// progress) on a context of parent, and the handle to cancel it. work's result is the run's last
// message.
func startRun(parent context.Context, id int, work func(ctx context.Context, progress func(auth.Event)) tea.Msg) (loginRun, tea.Cmd) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan tea.Msg, 32)
	run := loginRun{id: id, ch: ch, cancel: cancel, done: ctx.Done()}
	start := func() tea.Msg {
		go func() {
			defer close(ch)
			ch <- work(ctx, func(ev auth.Event) {
				select {
				case ch <- loginEventMsg{id: id, ev: ev}:
				case <-ctx.Done():
				}
			})
		}()
		return nil
	}
	return run, tea.Batch(start, run.next())
}

// next waits for the run's next message.
func (r loginRun) next() tea.Cmd {
	ch := r.ch
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

// sendPasted hands a pasted URL to the run's login, in a Cmd: the login
// takes it when it reads the channel (at once while it waits for the
// redirect), or the run ends.
func (r loginRun) sendPasted(text string) tea.Cmd {
	paste, done := r.paste, r.done
	if paste == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case paste <- text:
		case <-done:
		}
		return nil
	}
}
