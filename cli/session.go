package cli

// The session work of the commands: each goes through one session.Manager
// (package session decides when a session is resumed, refreshed, kept and
// ended); no file of the CLI touches the store.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/config"
	"ssodesk/session"
)

// sessions returns the session manager of env: the configured store, or the
// file store when save (--save) asks for one and none is configured.
func (e *runEnv) sessions(save bool) (*session.Manager, error) {
	st, err := session.OpenStore(e.cfg, save)
	if err != nil {
		return nil, usageError{err}
	}
	return session.New(e.cfg, e.client, st), nil
}

// printNotes says on stderr what the session layer noted (kept where,
// refreshed, not kept and why).
func (e *runEnv) printNotes(res *auth.Result) {
	for _, n := range res.Notes {
		if !e.said[n] {
			fmt.Fprintln(e.stderr, "ssodesk: "+n)
		}
	}
}

// loadStored resumes the stored session of env's region (the file store
// when none is configured, where --save keeps it), refreshed when it
// expires within its margin (session.Margin).
func loadStored(ctx context.Context, env *runEnv) (*auth.Result, error) {
	m, err := env.sessions(true)
	if err != nil {
		return nil, err
	}
	res, err := m.Resume(ctx, env.region)
	if err != nil {
		return nil, err
	}
	env.printNotes(res)
	return res, nil
}

// sessionForCall is the stored session of env's region and its manager.
// Without one a script must not wait for a person: it fails at once, naming
// the login to run, unless login (--login) opts into an interactive browser
// login.
func sessionForCall(ctx context.Context, env *runEnv, login bool) (*session.Manager, *auth.Result, error) {
	m, err := env.sessions(true)
	if err != nil {
		return nil, nil, err
	}
	res, err := m.Resume(ctx, env.region)
	if err == nil {
		env.printNotes(res)
		return m, res, nil
	}
	if !login {
		return nil, nil, err
	}
	fmt.Fprintln(env.stderr, "ssodesk:", err, "— logging in (--login)")
	if m, err = env.sessions(false); err != nil {
		return nil, nil, err
	}
	res, err = m.Login(ctx, session.LoginInput{Region: env.region, Progress: env.progress()})
	if err != nil {
		return nil, nil, err
	}
	env.printNotes(res)
	return m, res, nil
}

// logoutFlags say how far logout goes.
type logoutFlags struct{ local, verify bool }

// logout ends the kept session of env's region (onlyRegion), or every kept
// session of the environment's client: at the IdP (revoke, end-session)
// unless --local, then here. It prints each step; a ✗ fails the command.
func logout(ctx context.Context, env *runEnv, onlyRegion bool, f logoutFlags) error {
	m, err := env.sessions(true)
	if err != nil {
		return err
	}
	regions := env.cfg.Regions
	if onlyRegion {
		regions = []config.Region{env.region}
	}
	failed, n := 0, 0
	for _, r := range regions {
		res, err := m.Kept(ctx, r)
		if errors.Is(err, session.ErrNoSession) {
			continue
		}
		in := session.LogoutInput{Local: f.local, Verify: f.verify}
		if err != nil { // kept, but unusable (another issuer, no longer trusted): it can only be deleted
			if !f.local {
				fmt.Fprintf(env.stdout, "%s: the kept session cannot be used (%v); deleting it here only\n", r.Name, err)
			}
			res, in = &auth.Result{Region: r}, session.LogoutInput{Local: true}
		}
		n++
		failed += printSteps(env.stdout, r.Name, m.Logout(ctx, res, in))
	}
	if n == 0 {
		fmt.Fprintf(env.stdout, "no kept session of client %s in %s: nothing to log out\n", env.cfg.ClientID, cmp.Or(m.Where(), "(storage off)"))
		return nil
	}
	if failed > 0 {
		return fmt.Errorf("%d logout step(s) failed", failed)
	}
	return nil
}

// printSteps prints a logout's steps and says how many failed.
func printSteps(w io.Writer, region string, steps []session.LogoutStep) (failed int) {
	fmt.Fprintf(w, "logout of %s:\n", region)
	for _, s := range steps {
		fmt.Fprintf(w, "  %s %-25s %s\n", s.Status.Mark(), s.Name, s.Detail)
		if s.Status == check.Fail {
			failed++
		}
	}
	return failed
}
