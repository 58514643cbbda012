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
	c := m.NewClient(m.Options(region))
	m.use(region, c)
	return c
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
