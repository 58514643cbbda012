package diagnose

// Which parameter an IdP refuses (issue 24): when the authorize request
// is refused, check sends it again with one parameter changed at a time
// against a baseline the IdP accepts, and names the one that made the
// difference.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/check"
	"ssodesk/safe"
	"ssodesk/transport"

	"golang.org/x/oauth2"
)

// Options are what a check sends besides an endpoint's auth.Options.
type Options struct {
	// ResponseMode is the response_mode of the app's request ("" none).
	ResponseMode string
	// Own is the configured client's own registration, a baseline the IdP
	// should accept when the app's request is refused even with nothing
	// optional in it (nil: none; it is not sent when it is the app's).
	Own *auth.AuthorizeRequest
	// Interval is the least time between two probes of one endpoint
	// (default ProbeInterval).
	Interval time.Duration
	// NoProbe sends the app's request only.
	NoProbe bool

	port *check.Row // All's redirect port row, found once for every endpoint
}

// ProbeInterval is the default least time between two probes: they are
// rate-limited, so a check never floods the IdP.
const ProbeInterval = 200 * time.Millisecond

// MaxProbes bounds the probes one check of one endpoint sends after the
// request asked for (each is one GET of the authorize endpoint): the
// request without optional parameters, the configured client's own, and
// one per optional parameter (each scope beyond openid, prompt,
// response_mode), at most this many in all.
const MaxProbes = 10

// MaxRequests is the most requests one check of one endpoint sends to its
// authorize and token endpoints: the request asked, and MaxProbes probes.
const MaxRequests = 1 + MaxProbes

// Probe is one authorize request a check sent and what the IdP answered.
type Probe struct {
	// Changed is what differs from the baseline (ProbeAsked,
	// ProbeMinimal, ProbeOwn, or the parameter added: "scope",
	// "prompt", "response_mode" with Value).
	Changed string                `json:"changed"`
	Value   string                `json:"value,omitempty"`
	Request auth.AuthorizeRequest `json:"request"`
	Outcome string                `json:"outcome"` // auth.Preflight*
	Error   string                `json:"error,omitempty"`
	Cause   string                `json:"cause,omitempty"`
	// RequestID is the IdP's error page's Request Id, when it showed one.
	RequestID string `json:"request_id,omitempty"`
}

// The kinds of Probe.Changed besides a parameter's name.
const (
	ProbeAsked   = "asked"   // the request as asked
	ProbeMinimal = "minimal" // the same client and redirect URI, scope openid, nothing optional
	ProbeOwn     = "own"     // the configured client's own registration
)

// Culprit is what the probes found: the parameter the IdP refuses, and the
// request it accepts without it.
type Culprit struct {
	// Param is "scope", "prompt", "response_mode", "redirect_uri" (the
	// same client is accepted with its configured one), or
	// CulpritClientOrRedirect when even the minimal request is refused.
	Param string `json:"param"`
	Value string `json:"value,omitempty"`
	// Base is the request the IdP accepts (the minimal one, with the
	// parameters that passed); nil when it accepts none of the app's.
	Base *auth.AuthorizeRequest `json:"accepted,omitempty"`
	// OwnAccepted: the configured client's own registration was accepted
	// (the IdP works), false when it was refused or not sent.
	OwnAccepted bool `json:"own_accepted,omitempty"`
	// Cause is the refusal's cause as the IdP said it (auth.Cause*), or as
	// the token endpoint's answer tells it (ByTokenProbe).
	Cause        string `json:"cause,omitempty"`
	ByTokenProbe bool   `json:"by_token_probe,omitempty"`
}

// CulpritClientOrRedirect: the client, or its redirect URI.
const CulpritClientOrRedirect = "client_or_redirect_uri"

// prober sends the probes of one endpoint.
type prober struct {
	c        *checker
	endpoint string
	interval time.Duration
	last     time.Time
	probes   []Probe
}

// send probes req (after the interval since the last), and records it.
func (p *prober) send(ctx context.Context, changed, value string, req auth.AuthorizeRequest) (*auth.Preflight, bool) {
	if len(p.probes) > MaxProbes { // the first is the request asked, not a probe
		return nil, false
	}
	p.wait(ctx)
	if ctx.Err() != nil {
		return nil, false
	}
	pf := auth.CheckAuthorize(ctx, p.c.client, req.URL(p.endpoint))
	p.probes = append(p.probes, Probe{Changed: changed, Value: value, Request: req, Outcome: pf.Outcome, Error: pf.Error, Cause: pf.Cause, RequestID: pf.RequestID})
	return pf, true
}

// find runs the probes after asked (the request as asked, refused):
// without the optional parameters, then each added back in turn; when even
// that is refused, the configured client's own registration.
func (p *prober) find(ctx context.Context, asked auth.AuthorizeRequest, first *auth.Preflight, own *auth.AuthorizeRequest) *Culprit {
	minimal := auth.AuthorizeRequest{ClientID: asked.ClientID, RedirectURI: asked.RedirectURI, Scopes: []string{"openid"}}
	pf := first
	if !sameRequest(minimal, asked) {
		var ok bool
		if pf, ok = p.send(ctx, ProbeMinimal, "", minimal); !ok {
			return nil
		}
	}
	switch pf.Outcome {
	case auth.PreflightFailed:
		return nil // the network: nothing known
	case auth.PreflightRefused:
		cul := &Culprit{Param: CulpritClientOrRedirect, Cause: pf.Cause}
		if own != nil {
			o := *own
			o.RedirectURI = withFreePort(o.RedirectURI)
			if o, ok := p.send(ctx, ProbeOwn, "", o); ok {
				cul.OwnAccepted = o.Outcome == auth.PreflightAccepted
			}
			if cul.OwnAccepted && own.ClientID == asked.ClientID { // the same client, another redirect URI: accepted
				cul.Param, cul.Value, cul.Base = "redirect_uri", asked.RedirectURI, &o
				return cul
			}
		}
		if pf.Cause == auth.CauseClientOrRedirect || pf.Cause == auth.CauseOther {
			if known, ok := p.knownClient(ctx, minimal); ok {
				cul.ByTokenProbe, cul.Cause = true, auth.CauseUnknownClient
				if known {
					cul.Cause = auth.CauseRedirectURI
				}
			}
		}
		return cul
	}
	return p.addBack(ctx, asked, minimal, first)
}

// addBack adds each optional parameter of asked to the accepted base in
// turn; the first the IdP refuses is the culprit (the others are kept).
func (p *prober) addBack(ctx context.Context, asked, base auth.AuthorizeRequest, first *auth.Preflight) *Culprit {
	var cul *Culprit
	try := func(param, value string, with auth.AuthorizeRequest) {
		pf, ok := p.send(ctx, param, value, with)
		switch {
		case !ok || pf.Outcome == auth.PreflightFailed:
		case pf.Outcome == auth.PreflightAccepted:
			base = with
		case cul == nil:
			cul = &Culprit{Param: param, Value: value, Cause: pf.Cause}
		}
	}
	for _, s := range asked.Scopes {
		if !slices.Contains(base.Scopes, s) {
			with := base
			with.Scopes = append(slices.Clone(base.Scopes), s)
			try("scope", s, with)
		}
	}
	if asked.Prompt != "" {
		with := base
		with.Prompt = asked.Prompt
		try("prompt", asked.Prompt, with)
	}
	if asked.ResponseMode != "" {
		with := base
		with.ResponseMode = asked.ResponseMode
		try("response_mode", asked.ResponseMode, with)
	}
	if cul == nil { // every parameter alone passed: the IdP refused them together (or changed its mind)
		cul = &Culprit{Param: "", Cause: first.Cause}
	}
	cul.Base = &base
	return cul
}

func sameRequest(a, b auth.AuthorizeRequest) bool {
	return a.ClientID == b.ClientID && a.RedirectURI == b.RedirectURI && slices.Equal(a.Scopes, b.Scopes) &&
		a.Prompt == b.Prompt && a.ResponseMode == b.ResponseMode
}

// ProbeToken is the probe of the token endpoint that tells an unknown
// client from an unregistered redirect URI when the error page does not
// say which: a bogus code from a known public client is invalid_grant, from
// an unknown client invalid_client.
const ProbeToken = "token"

// probeCode is the code the token probe sends: no IdP ever issued it.
const probeCode = "ssodesk-probe-not-a-code"

// knownClient asks the token endpoint whether it knows clientID (one POST
// with probeCode): true for invalid_grant (the client authenticated, the
// code is bad), false for invalid_client; ok false when the answer says
// neither.
func (p *prober) knownClient(ctx context.Context, asked auth.AuthorizeRequest) (known, ok bool) {
	if p.c.doc.Token == "" || len(p.probes) > MaxProbes {
		return false, false
	}
	p.wait(ctx)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {probeCode}, "client_id": {asked.ClientID},
		"redirect_uri": {asked.RedirectURI}, "code_verifier": {oauth2.GenerateVerifier()}}
	req, err := http.NewRequestWithContext(transport.WithPurpose(ctx, "probe"), http.MethodPost, p.c.doc.Token, strings.NewReader(form.Encode()))
	if err != nil {
		return false, false
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := p.c.client.Do(req)
	var answer struct {
		Error string `json:"error"`
	}
	if err == nil {
		_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&answer)
		resp.Body.Close()
	}
	pr := Probe{Changed: ProbeToken, Request: asked, Outcome: auth.PreflightFailed, Error: safe.Printable(answer.Error)}
	switch answer.Error {
	case "invalid_grant":
		known, ok, pr.Outcome = true, true, auth.PreflightAccepted
	case "invalid_client", "unauthorized_client":
		known, ok, pr.Outcome = false, true, auth.PreflightRefused
	}
	p.probes = append(p.probes, pr)
	return known, ok
}

// wait keeps the interval since the last probe.
func (p *prober) wait(ctx context.Context) {
	if wait := p.interval - time.Since(p.last); !p.last.IsZero() && wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
	}
	p.last = time.Now()
}
