package cli

// The session work of the commands: each goes through one session.Manager
// (package session decides when a session is resumed, refreshed, kept and
// ended); no file of the CLI touches the store.

import (
	"context"
	"errors"
	"fmt"

	"ssodesk/auth"
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
// expires within a minute.
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

// sessionForCall is the stored session of env's region, else a fresh
// browser login (kept when the config turns storage on).
func sessionForCall(ctx context.Context, env *runEnv) (*auth.Result, error) {
	res, err := loadStored(ctx, env)
	if err == nil {
		return res, nil
	}
	fmt.Fprintln(env.stderr, "ssodesk:", err, "— logging in instead")
	m, err := env.sessions(false)
	if err != nil {
		return nil, err
	}
	res, err = m.Login(ctx, session.LoginInput{Region: env.region, Progress: env.progress()})
	if err != nil {
		return nil, err
	}
	env.printNotes(res)
	return res, nil
}

// logout deletes the stored session of env's region (onlyRegion), or every
// stored session of the configured client, and says what it did.
func logout(env *runEnv, onlyRegion bool) error {
	m, err := env.sessions(true)
	if err != nil {
		return err
	}
	if onlyRegion {
		switch err := m.Forget(env.region); {
		case errors.Is(err, session.ErrNoSession):
			fmt.Fprintf(env.stdout, "no stored session for region %s in %s\n", env.region.Name, m.Where())
		case err != nil:
			return err
		default:
			fmt.Fprintf(env.stdout, "deleted the stored session of region %s from %s\n", env.region.Name, m.Where())
		}
		return nil
	}
	n, err := m.ForgetAll()
	fmt.Fprintf(env.stdout, "deleted %d stored session(s) of client %s from %s\n", n, env.cfg.ClientID, m.Where())
	return err
}
