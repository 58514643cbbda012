package ui

import (
	"context"
	"net/http"
	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/health"
	"ssodesk/store"
	"ssodesk/transport"
	"time"
)

// NewCommon returns a Common for cfg with the real login, clock, HTTP
// client and trace. It fails only on a bad CA bundle.
func NewCommon(cfg *config.Config) (*Common, error) {
	tr := transport.NewTrace()
	client, err := auth.HTTPClientFor(cfg, tr)
	if err != nil {
		return nil, err
	}
	com := &Common{Cfg: cfg, Styles: NewStyles(true), Now: time.Now, HTTP: client, Trace: tr}
	// The health probe gets an untraced client: its polling is not the user's traffic.
	probe, err := auth.HTTPClientFor(cfg, nil)
	if err != nil {
		return nil, err
	}
	com.Health = health.NewCache(probe, cfg.Regions, health.Options{}, health.DefaultTTL)
	if cfg.Store != "" {
		if com.Store, err = store.Open(cfg.Store, cfg.StoreDir); err != nil {
			return nil, err
		}
	}
	com.Login = DefaultLogin(cfg, client, com.Store)
	com.Relogin = DefaultRelogin(cfg, client, com.Store)
	return com, nil
}

// DefaultRelogin runs auth.RegionalRelogin with cfg and client in the
// system browser (whose IdP cookie makes prompt=none silent). With a store
// it keeps the regional session, as it keeps every login.
func DefaultRelogin(cfg *config.Config, client *http.Client, st store.Store) ReloginFunc {
	return func(ctx context.Context, first *auth.Result, progress func(auth.Event)) (*auth.Relogin, error) {
		o := auth.OptionsFrom(cfg, first.Region, client)
		o.Progress = progress
		out, err := auth.RegionalRelogin(ctx, first, o)
		if err == nil && st != nil && out.Second != nil {
			if serr := st.Save(store.FromResult(out.Second, cfg.ClientID)); serr != nil {
				out.Second.Notes = append(out.Second.Notes, "the session could not be kept: "+serr.Error())
			} else {
				out.Second.Notes = append(out.Second.Notes, "session kept in "+st.Where())
			}
		}
		return out, err
	}
}

// DefaultLogin logs in with auth.Login using cfg and client, opening the
// system browser. With a store it resumes a kept session of the region
// instead (unless the user switches account) and keeps new logins.
func DefaultLogin(cfg *config.Config, client *http.Client, st store.Store) LoginFunc {
	return func(ctx context.Context, req LoginRequest, progress func(auth.Event)) (*auth.Result, error) {
		o := auth.OptionsFrom(cfg, req.Region, client)
		o.ForceChoose = req.ForceChoose
		o.Progress = progress
		if st != nil && !req.ForceChoose {
			if res, ok, err := store.Resume(ctx, st, o, time.Now()); ok && err == nil {
				return res, nil
			} else if err != nil {
				progress(auth.Event{Step: auth.StepWarning, Msg: "the kept session could not be used (" + err.Error() + "); logging in"})
			}
		}
		res, err := auth.Login(ctx, o)
		if err == nil && st != nil {
			if serr := st.Save(store.FromResult(res, cfg.ClientID)); serr != nil {
				res.Notes = append(res.Notes, "the session could not be kept: "+serr.Error())
			} else {
				res.Notes = append(res.Notes, "session kept in "+st.Where())
			}
		}
		return res, err
	}
}
