package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"ssodesk/transport"
)

// maxDiscovery bounds the discovery document DiscoveryScopes reads.
const maxDiscovery = 1 << 20

// DiscoveryScopes reads issuer's discovery document and returns its
// scopes_supported. An answer other than 200 with a JSON document, or a
// document that lists no scopes, is an error that says which.
func DiscoveryScopes(ctx context.Context, client *http.Client, issuer string) ([]string, error) {
	doc := strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(transport.WithPurpose(transport.FreshDiscovery(ctx), "discovery"), http.MethodGet, doc, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxDiscovery))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", doc, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered HTTP %d", doc, resp.StatusCode)
	}
	var d struct {
		Scopes []string `json:"scopes_supported"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("%s is not a discovery document: %w", doc, err)
	}
	if len(d.Scopes) == 0 { // optional in OpenID Connect Discovery: nothing to check against
		return nil, fmt.Errorf("%s lists no scopes_supported", doc)
	}
	return d.Scopes, nil
}
