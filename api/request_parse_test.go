package api_test

import (
	"testing"

	"ssodesk/api"
)

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		line, name, value string
		ok                bool
	}{
		{"X-Request-Id: 42", "X-Request-Id", "42", true},
		{"  Accept :application/json  ", "Accept", "application/json", true},
		{"X-Empty:", "X-Empty", "", true},
		{"Referer: https://example.com:8443/a", "Referer", "https://example.com:8443/a", true},
		{"no colon", "", "", false},
		{": value", "", "", false},
		{"   : value", "", "", false},
		{"", "", "", false},
	} {
		name, value, err := api.ParseHeader(tc.line)
		if (err == nil) != tc.ok || name != tc.name || value != tc.value {
			t.Errorf("ParseHeader(%q) = %q, %q, %v; want %q, %q, ok %v", tc.line, name, value, err, tc.name, tc.value, tc.ok)
		}
	}
	if _, _, err := api.ParseHeader("no colon"); err == nil || err.Error() != `header "no colon" is not 'Name: value'` {
		t.Errorf("error: %v", err)
	}
}

func TestMethodOrGET(t *testing.T) {
	for in, want := range map[string]string{"": "GET", "  ": "GET", "post": "POST", " Delete ": "DELETE", "GET": "GET"} {
		if got := (api.Request{Method: in}).MethodOrGET(); got != want {
			t.Errorf("api.Request{Method: %q}.MethodOrGET() = %q, want %q", in, got, want)
		}
	}
}
