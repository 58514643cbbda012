package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// decodeHeader reads a compact JWS's header without verifying anything. It
// is for display only; verification is go-oidc's job.
func decodeHeader(raw string) (map[string]any, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("a JWT has 3 dot-separated parts, this has %d", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, fmt.Errorf("header is not base64url: %v", err)
	}
	h := map[string]any{}
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("header is not a JSON object: %v", err)
	}
	return h, nil
}
