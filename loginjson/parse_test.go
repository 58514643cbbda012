package loginjson_test

import (
	"encoding/json"
	"errors"
	"testing"

	"ssodesk/loginjson"
)

// Parse reads back what login --json wrote; other JSON is ErrNotDocument,
// what is not JSON the decoder's error.
func TestParse(t *testing.T) {
	d, err := loginjson.Parse([]byte(`{"region":"eu","scopes":["openid"],"tokens":{"access_token":"x"},"id_token":{"kind":"jwt","bytes":3,"claims":{"exp":1796680800}}}`))
	if err != nil || d.Region != "eu" || d.Tokens.AccessToken != "x" {
		t.Fatalf("%+v %v", d, err)
	}
	if _, ok := d.IDToken.Claims["exp"].(json.Number); !ok {
		t.Errorf("exp decoded as %T, want json.Number", d.IDToken.Claims["exp"])
	}
	for _, s := range []string{`{"log":{"entries":[]}}`, `{}`, `{"region":"eu","tokens":{}}`} {
		if _, err := loginjson.Parse([]byte(s)); !errors.Is(err, loginjson.ErrNotDocument) {
			t.Errorf("%s: %v", s, err)
		}
	}
	if _, err := loginjson.Parse([]byte("hello")); err == nil || errors.Is(err, loginjson.ErrNotDocument) {
		t.Errorf("not JSON: %v", err)
	}
}
