package auth_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"ssodesk/auth"
	"ssodesk/transport"
)

// In a login against the stand-in the JWKS is read once, while the browser
// is busy: before the code is exchanged.
func TestLoginFetchesKeysBeforeTheExchange(t *testing.T) {
	tr := transport.NewTrace()
	client, err := transport.NewClient(transport.Options{Trace: tr})
	if err != nil {
		t.Fatal(err)
	}
	open, _ := browser(account(t, "eu").Email, false)
	o := options(region(t, "global"), open, &recorder{})
	o.HTTPClient = client
	if _, err := auth.Login(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, e := range tr.Entries() {
		if e.Purpose == "jwks" || (e.Purpose == "token" && e.Method == http.MethodPost) {
			order = append(order, e.Purpose)
		}
	}
	if strings.Join(order, ",") != "jwks,token" {
		t.Errorf("JWKS and token requests in order %v, want [jwks token]", order)
	}
}
