package session

import (
	"context"

	"golang.org/x/oauth2"

	"ssodesk/auth"
	"ssodesk/config"
)

// Client is what the use cases need of an IdP, for one endpoint and client
// registration. *auth.Client is the real one; a test may give the Manager
// another (Manager.NewClient).
type Client interface {
	Login(ctx context.Context, p auth.LoginParams) (*auth.Result, error)
	ClientCredentials(ctx context.Context) (*auth.Result, []string, error)
	Restore(ctx context.Context, tok *oauth2.Token, idToken, codeRegion string, scopes []string) (*auth.Result, error)
	Refresh(ctx context.Context, res *auth.Result) (*auth.Refreshed, error)
	UserInfo(ctx context.Context, res *auth.Result) (*auth.UserInfo, error)
	VerifyAccessToken(ctx context.Context, res *auth.Result) *auth.Report
	Endpoints(ctx context.Context, res *auth.Result) (auth.Endpoints, error)
	Revoke(ctx context.Context, res *auth.Result, endpoint, token, hint string) error
	Introspect(ctx context.Context, res *auth.Result, endpoint, token, resource, secret string) (*auth.Introspection, error)
}

var _ Client = (*auth.Client)(nil)

// newAuthClient is the default Manager.NewClient.
func newAuthClient(o auth.Options) Client { return auth.NewClient(o) }

// client is the client of region's sessions: the one that made the last
// session there (its discovery and keys read), else a new one.
func (m *Manager) client(region config.Region) Client {
	m.mu.Lock()
	c, ok := m.clients[region.ID()]
	m.mu.Unlock()
	if ok {
		return c
	}
	return m.newClient(region)
}

// newClient is a new client for region, which becomes region's client: a
// login reads discovery and keys anew, as it always has.
func (m *Manager) newClient(region config.Region) Client {
	o, err := m.Options(region)
	if err != nil {
		return failing{err} // not kept: the configuration, not the IdP, is wrong
	}
	c := m.NewClient(o)
	m.use(region, c)
	return c
}

// failing is the client of an endpoint the configuration cannot make one
// for: every request is that error.
type failing struct{ err error }

func (f failing) Login(context.Context, auth.LoginParams) (*auth.Result, error) { return nil, f.err }
func (f failing) ClientCredentials(context.Context) (*auth.Result, []string, error) {
	return nil, nil, f.err
}
func (f failing) Restore(context.Context, *oauth2.Token, string, string, []string) (*auth.Result, error) {
	return nil, f.err
}
func (f failing) Refresh(context.Context, *auth.Result) (*auth.Refreshed, error) { return nil, f.err }
func (f failing) UserInfo(context.Context, *auth.Result) (*auth.UserInfo, error) { return nil, f.err }
func (f failing) VerifyAccessToken(context.Context, *auth.Result) *auth.Report   { return nil }
func (f failing) Endpoints(context.Context, *auth.Result) (auth.Endpoints, error) {
	return auth.Endpoints{}, f.err
}
func (f failing) Revoke(context.Context, *auth.Result, string, string, string) error { return f.err }
func (f failing) Introspect(context.Context, *auth.Result, string, string, string, string) (*auth.Introspection, error) {
	return nil, f.err
}

// use makes c the client of region's sessions.
func (m *Manager) use(region config.Region, c Client) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.clients == nil {
		m.clients = map[config.EndpointID]Client{}
	}
	m.clients[region.ID()] = c
}

// clientOf is the client of res's session.
func (m *Manager) clientOf(res *auth.Result) Client { return m.client(res.Region) }
