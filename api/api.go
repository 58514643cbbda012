// Package api makes test calls to the Noah Cloud API with an access token.
// It has no UI; the API console (issue 4) builds on it.
package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// BaseURL picks the API base: the region's configured override, else the ID
// token's `api` claim. HIMSA rule: use the `api` claim, especially after a
// login at the global endpoint. It says where the base came from.
func BaseURL(override, apiClaim string) (base, source string, err error) {
	switch {
	case override != "":
		base, source = override, "config (region api override)"
	case apiClaim != "":
		base, source = apiClaim, "ID token api claim"
	default:
		return "", "", fmt.Errorf("no API base URL: the ID token has no api claim and the region sets no api override")
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", "", fmt.Errorf("API base URL %q (from %s) is not an http(s) URL", base, source)
	}
	return strings.TrimRight(base, "/"), source, nil
}

// Response is the outcome of one call.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Duration time.Duration
}

// maxBody caps how much of a response is kept.
const maxBody = 8 << 20

// Call sends method base+path with the access token as bearer.
func Call(ctx context.Context, client *http.Client, base, token, method, path string) (*Response, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("bad request %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, base+path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("reading the response of %s %s: %w", method, base+path, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body, Duration: time.Since(start)}, nil
}
