package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/net/html"
)

// maxPageBytes caps how much of a page the Browser reads.
const maxPageBytes = 1 << 20

// Browser is a scripted user agent for the sim's login pages: it keeps
// cookies and follows redirects, so a login runs from the authorize URL to
// the app's loopback callback page. Like a real browser it keeps the IdP's
// SSO session cookie, so a second login with the same Browser may complete
// without a login page (see Login); Forget starts afresh. A Browser is not
// meant for concurrent logins.
type Browser struct {
	Client *http.Client

	mu      sync.Mutex
	stopped string // the URL of a redirect not followed (off this machine)
}

// NewBrowser returns a Browser with a cookie jar that follows redirects on
// this machine. A redirect to another host (another app's redirect URI,
// https://app.example.com/signin-oidc) is not followed — the stand-in never
// reaches outside loopback —: the browser stops there, its address bar
// showing that URL (AddressBar).
func NewBrowser() *Browser {
	jar, _ := cookiejar.New(nil) // never fails with nil options
	b := &Browser{}
	b.Client = &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if !isLoopbackHost(req.URL.Hostname()) {
			b.mu.Lock()
			b.stopped = req.URL.String()
			b.mu.Unlock()
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}}
	return b
}

// AddressBar is the URL of the redirect off this machine where the browser
// stopped ("" when it did not): what a person copies from the address bar
// after logging in as another app.
func (b *Browser) AddressBar() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopped
}

// Opener returns a function that opens an authorize URL in b as the user
// account would (see Login; "" or "first" = the first listed account), in
// the background and one login at a time, like a person at one browser. It
// has the shape of auth.Opener: the demo's --auto-account and tests log in
// with it instead of a real browser.
func (b *Browser) Opener(account string) func(ctx context.Context, authURL string) error {
	if account == "first" {
		account = ""
	}
	var mu sync.Mutex
	return func(ctx context.Context, authURL string) error {
		go func() {
			mu.Lock()
			defer mu.Unlock()
			_, _, _ = b.Login(ctx, authURL, account)
		}()
		return nil
	}
}

// Visit opens u as a browser would (cookies kept, redirects followed) and
// returns the final page: the end-session endpoint, say, which sends the
// browser back to the app's post-logout URI.
func (b *Browser) Visit(ctx context.Context, u string) (status int, body string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", fmt.Errorf("sim browser: %w", err)
	}
	resp, page, err := b.do(req)
	if err != nil {
		return 0, "", err
	}
	return resp.StatusCode, page, nil
}

// Forget clears the Browser's cookies, including the IdP's SSO session, as
// a new private window would. It does nothing if Client has no cookie jar.
func (b *Browser) Forget() {
	if b.Client == nil || b.Client.Jar == nil {
		return
	}
	jar, _ := cookiejar.New(nil)
	b.Client.Jar = jar
}

// Login opens authURL (an authorize URL of any sim endpoint), picks account
// (by Account.ID or e-mail; "" = the first listed) on the login page, submits
// the form and follows redirects to the final response, normally the app's
// loopback callback page. It returns that page's status and body.
//
// When the IdP shows no login page because its SSO session signs the user in
// silently (or answers prompt=none with error=login_required), the redirects
// lead straight to the app: Login then returns that final page as it is,
// without choosing anything, even when account names another account than
// the session's. That is what a real browser would show; a caller that
// needs a particular account should pass forcechoose (or prompt=
// select_account) in authURL, or call Forget first.
func (b *Browser) Login(ctx context.Context, authURL, account string) (status int, body string, err error) {
	form, final, err := b.openLogin(ctx, authURL)
	if err != nil {
		return 0, "", err
	}
	if final != nil {
		return final.status, final.body, nil
	}
	choice, err := form.pick(account)
	if err != nil {
		return 0, "", err
	}
	return b.submit(ctx, form, "account", choice)
}

// Cancel opens authURL and presses Cancel on the login page, following the
// redirect to the app's callback. It returns the final status and body. If
// the IdP shows no login page (silent SSO login), Cancel returns the final
// page it reached with an error: there was nothing to cancel.
func (b *Browser) Cancel(ctx context.Context, authURL string) (status int, body string, err error) {
	form, final, err := b.openLogin(ctx, authURL)
	if err != nil {
		return 0, "", err
	}
	if final != nil {
		return final.status, final.body, errors.New("sim browser: the IdP showed no login page (its SSO session signed in silently), so there was nothing to cancel")
	}
	if !form.hasCancel {
		return 0, "", errors.New("sim browser: the login page has no Cancel button")
	}
	return b.submit(ctx, form, "cancel", "1")
}

// finalPage is a response outside the IdP that a redirect chain ended at.
type finalPage struct {
	status int
	body   string
}

// loginForm is what the Browser reads from the sim's login page.
type loginForm struct {
	action    *url.URL
	hidden    url.Values
	accounts  []formAccount
	hasCancel bool
}

// formAccount is one account button: its value (Account.ID), e-mail
// (data-email) and visible text.
type formAccount struct {
	value, email, text string
}

// pick returns the button value for account (ID, e-mail or "" for the first).
func (f *loginForm) pick(account string) (string, error) {
	if len(f.accounts) == 0 {
		return "", errors.New("sim browser: the login page lists no accounts")
	}
	if account == "" {
		return f.accounts[0].value, nil
	}
	for _, a := range f.accounts {
		if a.value == account {
			return a.value, nil
		}
	}
	for _, a := range f.accounts {
		if strings.EqualFold(a.email, account) {
			return a.value, nil
		}
	}
	var offered []string
	for _, a := range f.accounts {
		offered = append(offered, strings.Join(strings.Fields(a.text), " "))
	}
	return "", fmt.Errorf("sim browser: account %q is not offered on this login page (offered: %s)", account, strings.Join(offered, "; "))
}

// openLogin GETs authURL, follows redirects and parses the login form. If
// the redirects end at no login page and outside authURL's host (the IdP
// sent the user straight back to the app), it returns that page instead.
func (b *Browser) openLogin(ctx context.Context, authURL string) (*loginForm, *finalPage, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("sim browser: %w", err)
	}
	resp, body, err := b.do(req)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode == http.StatusOK {
		if form, err := parseLoginForm(body, resp.Request.URL); err == nil {
			return form, nil, nil
		}
	}
	if resp.Request.URL.Path == errorPath {
		return nil, nil, fmt.Errorf("sim browser: the IdP refused the authorize request and showed its error page %s: %s", resp.Request.URL, pageText(body))
	}
	if resp.Request.URL.Host != req.URL.Host {
		return nil, &finalPage{status: resp.StatusCode, body: body}, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("sim browser: the IdP answered %s at %s: %s", resp.Status, resp.Request.URL, snippet(body))
	}
	form, err := parseLoginForm(body, resp.Request.URL)
	if err != nil {
		return nil, nil, fmt.Errorf("sim browser: %w at %s (status %d): %s", err, resp.Request.URL, resp.StatusCode, snippet(body))
	}
	return form, nil, nil
}

// submit posts the form with the pressed button name=value and follows the
// redirects to the final page.
func (b *Browser) submit(ctx context.Context, f *loginForm, name, value string) (int, string, error) {
	data := url.Values{}
	for k, vs := range f.hidden {
		data[k] = append([]string(nil), vs...)
	}
	data.Set(name, value)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.action.String(), strings.NewReader(data.Encode()))
	if err != nil {
		return 0, "", fmt.Errorf("sim browser: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body, err := b.do(req)
	if err != nil {
		return 0, "", err
	}
	if resp.StatusCode >= 400 && resp.Request.URL.Host == f.action.Host {
		return resp.StatusCode, body, fmt.Errorf("sim browser: the IdP answered %s at %s: %s", resp.Status, resp.Request.URL, snippet(body))
	}
	return resp.StatusCode, body, nil
}

// do sends req and reads the (capped) body.
func (b *Browser) do(req *http.Request) (*http.Response, string, error) {
	client := b.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("sim browser: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes))
	if err != nil {
		return nil, "", fmt.Errorf("sim browser: reading %s: %w", resp.Request.URL, err)
	}
	return resp, string(raw), nil
}

// parseLoginForm reads the single POST form of a login page.
func parseLoginForm(page string, base *url.URL) (*loginForm, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("cannot parse the page: %w", err)
	}
	var forms []*html.Node
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "form" && strings.EqualFold(attr(n, "method"), "post") {
			forms = append(forms, n)
		}
	})
	switch len(forms) {
	case 0:
		return nil, errors.New("no login form on the page")
	case 1:
	default:
		return nil, fmt.Errorf("%d forms on the page, expected one", len(forms))
	}
	action, err := base.Parse(attr(forms[0], "action"))
	if err != nil {
		return nil, fmt.Errorf("bad form action: %w", err)
	}
	f := &loginForm{action: action, hidden: url.Values{}}
	walk(forms[0], func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch {
		case n.Data == "input" && strings.EqualFold(attr(n, "type"), "hidden"):
			f.hidden.Add(attr(n, "name"), attr(n, "value"))
		case n.Data == "button" && attr(n, "name") == "account":
			f.accounts = append(f.accounts, formAccount{value: attr(n, "value"), email: attr(n, "data-email"), text: text(n)})
		case n.Data == "button" && attr(n, "name") == "cancel":
			f.hasCancel = true
		}
	})
	if f.hidden.Get("authRequestID") == "" {
		return nil, errors.New("the login form has no authRequestID")
	}
	return f, nil
}

// walk calls fn for n and every descendant, depth first.
func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

// attr returns the value of attribute key of n ("" if absent).
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// text returns the text content of n.
func text(n *html.Node) string {
	var sb strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			sb.WriteString(c.Data)
			sb.WriteByte(' ')
		}
	})
	return sb.String()
}

// pageText is the visible text of an HTML page on one line, shortened.
func pageText(page string) string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return snippet(page)
	}
	return snippet(text(doc))
}

// snippet shortens a page body for an error message.
func snippet(body string) string {
	s := strings.Join(strings.Fields(body), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
