// Package session is ssodesk's one use-case layer: it alone decides when a
// session is resumed, refreshed, kept and ended. The CLI and the TUI call a
// *Manager; neither touches the store, the IdP client or the report's input.
//
// The use cases: Login (resuming a kept session), ClientCredentials,
// Relogin (HIMSA 2a) and ReloginTarget, Switch (from whom to whom), Resume, Refresh,
// Logout, Introspect, UserInfo, VerifyAccessToken, Call (the API, refreshing
// first when asked), Check (an endpoint without logging in), Shown (whether
// a login's outcome is shown: a failed verification is), and Report and
// CheckReport (the report's input, assembled here only). The IdP is a
// Client per endpoint (config.EndpointID), *auth.Client unless a test sets
// Manager.NewClient: the client of a session's last login, so a refresh
// verifies against the keys that login read.
//
// The rules, in one place:
//   - a session is kept only when storage is on and its ID token verified
//     (a client-credentials session, which has no ID token, is kept as is);
//     a failed one is shown, never kept;
//   - every refresh is kept; a refreshed ID token must verify and keep the
//     iss and sub of the session (OIDC Core 12.2), else the refresh is
//     refused with the reason and the previous session stays;
//   - resume checks that the kept session was made at the region's issuer
//     and that its ID token is still trusted, and says why it refuses;
//   - refresh is single-flight per session: a request while one runs joins
//     it; across processes the file store's lock serialises refresh-and-save,
//     and a session another process refreshed meanwhile is taken as it is
//     (or, when it is due itself, refreshed with its own refresh token);
//   - a kept access token is refreshed before use within its margin
//     (Margin: a minute, or a fifth of a shorter lifetime); when that fails
//     while it is still valid, it is used with a warning;
//   - the demo never touches the user's store (config.ForDemo: memory).
package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"ssodesk/auth"
	"ssodesk/config"
	"ssodesk/explain"
	"ssodesk/store"
	"ssodesk/transport"
)

// RefreshMargin: a kept access token expiring sooner than this is refreshed
// before it is used — at most; a short-lived token's margin is a fifth of
// its lifetime (see Margin).
const RefreshMargin = time.Minute

// Margin is how long before its expiry a token that lives lifetime is
// refreshed before use: the smaller of RefreshMargin and a fifth of its
// lifetime, so a token of 40 s (a QA setup testing renewal) is refreshed 8 s
// before it expires, not on every use; RefreshMargin when the lifetime is
// unknown (0).
func Margin(lifetime time.Duration) time.Duration {
	if lifetime <= 0 {
		return RefreshMargin
	}
	return min(RefreshMargin, lifetime/5)
}

// Manager runs the session use cases of one configuration and client.
type Manager struct {
	cfg  *config.Config
	http *http.Client
	st   store.Store // nil: storage is off
	// Now is the clock (tests fix it).
	Now func() time.Time
	// NewClient makes the IdP client of an endpoint (auth.NewClient unless
	// a test sets another).
	NewClient func(auth.Options) Client
	flights   singleflight.Group
	mu        sync.Mutex
	callers   map[string]int               // Refresh calls per flight
	joined    chan struct{}                // closed (and replaced) when callers changes: tests wait on it
	clients   map[config.EndpointID]Client // the client of each endpoint's sessions
}

// New returns a Manager for cfg that talks through client and keeps
// sessions in st (nil: storage off; see OpenStore).
func New(cfg *config.Config, client *http.Client, st store.Store) *Manager {
	return &Manager{cfg: cfg, http: client, st: st, Now: time.Now, NewClient: newAuthClient}
}

// OpenStore opens the configured store: nil when storage is off, unless
// force asks for one (login --save), which then is the file store.
func OpenStore(cfg *config.Config, force bool) (store.Store, error) {
	kind := cfg.Store
	if kind == "" {
		if !force {
			return nil, nil
		}
		kind = config.StoreFile
	}
	return store.Open(kind, cfg.StoreDir)
}

// Where says where sessions are kept, for people ("" when storage is off).
func (m *Manager) Where() string {
	if m.st == nil {
		return ""
	}
	return m.st.Where()
}

// Options are the auth options of a login at region with this manager's
// configuration and HTTP client.
func (m *Manager) Options(region config.Region) (auth.Options, error) {
	return auth.OptionsFrom(m.cfg, region, m.http)
}

// LoginInput is one login's request.
type LoginInput struct {
	Region config.Region
	// ForceChoose asks the IdP for its account chooser (HIMSA forcechoose:
	// switch account); such a login never resumes.
	ForceChoose bool
	// Resume uses the kept session of the region when there is a usable one.
	Resume   bool
	Progress func(auth.Event)
	Open     auth.Opener   // nil: the system browser
	Pasted   <-chan string // redirect URLs pasted by the user (--no-browser)
	// Params are the login's authorize parameters (prompt, max_age,
	// login_hint, ui_locales, acr_values, culture-lcid, key=value: `login`'s
	// flags or the TUI's login form), over the configured ones. A login
	// with any never resumes: it asks the IdP for something.
	Params auth.AuthorizeParams
}

// Login resumes the kept session (when asked and usable) or runs a browser
// login, and keeps a verified result. A result whose ID token failed
// verification is returned with the *auth.VerifyError and is not kept.
func (m *Manager) Login(ctx context.Context, in LoginInput) (*auth.Result, error) {
	if in.Resume && !in.ForceChoose && in.Params.IsZero() && m.st != nil {
		res, err := m.Resume(ctx, in.Region)
		if err == nil {
			return res, nil
		}
		if !errors.Is(err, ErrNoSession) && in.Progress != nil {
			in.Progress(auth.Event{Step: auth.StepWarning, Msg: "the kept session could not be used (" + err.Error() + "); logging in"})
		}
	}
	res, err := m.newClient(in.Region).Login(ctx, auth.LoginParams{ForceChoose: in.ForceChoose, Progress: in.Progress,
		Open: in.Open, Pasted: in.Pasted, Params: in.Params})
	if err != nil || res != nil && !res.Verified() {
		m.forgetDiscovery() // a cached document never hides a failure: the next login reads it again
	}
	if res != nil {
		res.ParamChecks = explain.ParamChecks(res.Params)
	}
	m.keep(res)
	return res, err
}

// forgetDiscovery drops every configured endpoint's cached discovery
// document (transport.DiscoveryCache).
func (m *Manager) forgetDiscovery() {
	dc := transport.DiscoveryOf(m.http)
	if dc == nil {
		return
	}
	for _, r := range m.cfg.Endpoints() {
		dc.Forget(r.Issuer)
	}
}

// ClientCredentials runs the service-app flow at region and keeps the
// result when storage is on.
func (m *Manager) ClientCredentials(ctx context.Context, region config.Region) (*auth.Result, []string, error) {
	res, notes, err := m.newClient(region).ClientCredentials(ctx)
	if err == nil {
		m.keep(res)
	}
	return res, notes, err
}

// ReloginInput is a regional re-login's request.
type ReloginInput struct {
	Progress func(auth.Event)
	Open     auth.Opener // nil: the system browser
}

// ReloginTarget is the regional endpoint a re-login after first goes to,
// within first's environment (auth.ReloginTarget), or why there is none.
func ReloginTarget(cfg *config.Config, first *auth.Result) (config.Region, error) {
	if first == nil {
		return auth.ReloginTarget(nil, nil)
	}
	c, err := cfg.For(first.Region)
	if err != nil {
		return config.Region{}, err
	}
	return auth.ReloginTarget(first, c.Regions)
}

// Relogin runs a regional re-login after first (HIMSA 2a; see
// auth.RegionalRelogin) and keeps the regional session when it verified.
func (m *Manager) Relogin(ctx context.Context, first *auth.Result, in ReloginInput) (*auth.Relogin, error) {
	o, err := m.Options(first.Region)
	if err != nil {
		return nil, err
	}
	o.Progress, o.Open = in.Progress, in.Open
	out, err := auth.RegionalRelogin(ctx, first, o)
	if out != nil && out.Second != nil {
		m.use(out.Region, out.Client)
		m.keep(out.Second)
	}
	return out, err
}

// keepable: verified, or a client-credentials session (no ID token at all).
func keepable(res *auth.Result) bool {
	return res.Verified() || res.RawIDToken == "" && res.Report == nil
}

// keep saves res when storage is on and res may be kept, and says so in
// res.Notes.
func (m *Manager) keep(res *auth.Result) { m.keepRotated(res, false) }

// keepRotated is keep for a refresh's outcome: spent says the refresh
// rotated the kept refresh token away, so a save that fails loses it.
func (m *Manager) keepRotated(res *auth.Result, spent bool) {
	if m.st == nil || res == nil || res.Token == nil {
		return
	}
	if !keepable(res) {
		res.Notes = append(res.Notes, "not kept: the ID token did not verify, and only a verified session is kept")
		return
	}
	if err := m.st.Save(fromResult(res, m.key)); err != nil {
		res.Notes = append(res.Notes, "the session could not be kept: "+err.Error())
		if spent {
			res.Notes = append(res.Notes, "the refresh token that was kept is now spent (the IdP rotated it): "+
				"the next ssodesk that resumes this session must log in again")
		}
		return
	}
	res.Notes = append(res.Notes, "session kept in "+m.st.Where())
}

// key is what a session at r is kept under: its environment and endpoint
// (production's endpoints by their name alone, as before environments
// existed, so those sessions are still found), and the environment's client
// ID. HIMSA: QA registrations are separate, so a QA and a production session
// of the same person live side by side.
func (m *Manager) key(r config.Region) (key, clientID string) {
	return storeKey(r.ID()), m.clientID(r)
}

// storeKey is the name a session of endpoint id is kept under: production's
// by the endpoint's name alone (as before environments existed), any other
// "env.name".
func storeKey(id config.EndpointID) string {
	if id.Env == config.EnvProduction {
		return id.Name
	}
	return id.Env + "." + id.Name
}

// endpointOf is the endpoint a session kept under key belongs to.
func endpointOf(key string) config.EndpointID {
	if env, name, ok := strings.Cut(key, "."); ok {
		return config.EndpointID{Env: env, Name: name}
	}
	return config.EndpointID{Env: config.EnvProduction, Name: key}
}

// clientID is the client of r's environment; "" when the configuration has
// no such environment (then no kept session is its).
func (m *Manager) clientID(r config.Region) string {
	c, err := m.cfg.For(r)
	if err != nil {
		return ""
	}
	return c.ClientID
}

// fromResult is what is kept of a session, under key's names.
func fromResult(res *auth.Result, key func(config.Region) (string, string)) store.Session {
	region, clientID := key(res.Region)
	s := store.Session{Region: region, Issuer: res.Region.Issuer, ClientID: clientID, CodeRegion: res.CodeRegion,
		IDToken: res.RawIDToken, Scopes: res.Scopes, Nonce: res.Nonce}
	if res.Token != nil {
		s.AccessToken, s.RefreshToken, s.TokenType, s.Expiry = res.Token.AccessToken, res.Token.RefreshToken, res.Token.TokenType, res.Token.Expiry
	}
	return s
}

// restore turns a kept session back into a usable one (see auth.Restore).
func (m *Manager) restore(ctx context.Context, s store.Session, region config.Region) (*auth.Result, error) {
	tok := &oauth2.Token{AccessToken: s.AccessToken, RefreshToken: s.RefreshToken, TokenType: s.TokenType, Expiry: s.Expiry}
	res, err := m.client(region).Restore(ctx, tok, s.IDToken, s.CodeRegion, s.Scopes)
	if res != nil {
		res.Nonce = cmp.Or(s.Nonce, res.Claim("nonce")) // kept since the login, or the kept ID token's
	}
	return res, err
}

// Forget deletes the kept session of region; ErrNoSession when none.
func (m *Manager) Forget(region config.Region) error {
	key, clientID := m.key(region)
	if m.st == nil {
		return &NoSessionError{Region: region.Name, ClientID: clientID}
	}
	err := m.st.Delete(key, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return &NoSessionError{Region: region.Name, ClientID: clientID, Where: m.st.Where()}
	}
	return err
}

// ForgetAll deletes every kept session of this client and says how many.
// Unreadable entries are reported in err after the readable ones are gone.
func (m *Manager) ForgetAll() (int, error) {
	if m.st == nil {
		return 0, nil
	}
	all, listErr := m.st.List()
	n := 0
	for _, s := range all {
		if s.ClientID != m.cfg.ClientID {
			continue
		}
		if err := m.st.Delete(s.Region, s.ClientID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return n, err
		}
		n++
	}
	return n, listErr
}

// ErrNoSession: nothing is kept for that region and client.
var ErrNoSession = errors.New("no kept session")

// NoSessionError says which session is missing, and where it was looked for
// ("" Where: storage is off).
type NoSessionError struct {
	Region, ClientID, Where string
}

func (e *NoSessionError) Error() string {
	if e.Where == "" {
		return fmt.Sprintf("no stored session for region %s: session storage is off (store: none); "+
			"log in with: ssodesk login --save --region %s", e.Region, e.Region)
	}
	return fmt.Sprintf("no stored session for region %s and client %s in %s (log in with: ssodesk login --save --region %s)",
		e.Region, e.ClientID, e.Where, e.Region)
}

func (e *NoSessionError) Is(target error) bool { return target == ErrNoSession }

// RefusedError: a kept or refreshed session was not taken, and why.
type RefusedError struct {
	What   string // "the kept session of region eu", "the refresh"
	Reason string
}

func (e *RefusedError) Error() string { return e.What + " was refused: " + e.Reason }

// KeptEndpoints says which endpoints of which environments have a kept
// session of their environment's client (the picker marks them). None when
// storage is off.
func (m *Manager) KeptEndpoints() (map[config.EndpointID]bool, error) {
	out := map[config.EndpointID]bool{}
	if m.st == nil {
		return out, nil
	}
	all, err := m.st.List()
	for _, s := range all {
		id := endpointOf(s.Region)
		if c := m.clientID(config.Region{Name: id.Name, Env: id.Env}); c != "" && c == s.ClientID {
			out[id] = true
		}
	}
	return out, err
}

// Holding says whether a session is the one kept for its endpoint and
// client: Kept when the store has it (not another login's of that
// endpoint), and Where it is kept ("" when storage is off).
type Holding struct {
	Kept  bool
	Where string
}

// Holds says whether res is the session kept for its endpoint and client
// (the TUI's close says so: a kept session is resumed by the next run until
// it is logged out). A store entry is res's when it holds res's ID token,
// or, without one, its access token.
func (m *Manager) Holds(res *auth.Result) (Holding, error) {
	if m.st == nil || res == nil || res.Token == nil {
		return Holding{}, nil
	}
	key, clientID := m.key(res.Region)
	s, err := m.st.Load(key, clientID)
	if errors.Is(err, store.ErrNotFound) {
		return Holding{Where: m.st.Where()}, nil
	}
	if err != nil {
		return Holding{Where: m.st.Where()}, err
	}
	same := s.AccessToken == res.Token.AccessToken
	if res.RawIDToken != "" {
		same = s.IDToken == res.RawIDToken
	}
	return Holding{Kept: same, Where: m.st.Where()}, nil
}
