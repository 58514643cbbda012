package auth

import (
	"errors"
	"net/http"
	"ssodesk/config"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func TestTokenErrorNamesTheOperation(t *testing.T) {
	re := &oauth2.RetrieveError{Response: &http.Response{StatusCode: 400, Status: "400 Bad Request"}, ErrorCode: "invalid_client"}
	for _, op := range []Op{OpExchange, OpRefresh, OpClientCredentials} {
		err := tokenError(op, config.Region{}, oauth2.Config{Endpoint: oauth2.Endpoint{TokenURL: "https://idp.example/connect/token"}}, re)
		msg := err.Error()
		if !strings.Contains(msg, "refused the "+string(op)+" at https://idp.example/connect/token") {
			t.Errorf("%s: %q does not name the operation", op, msg)
		}
		if !strings.HasSuffix(msg, ": invalid_client") { // what it means is explain's (explain.Error)
			t.Errorf("%s: %q is not the facts alone", op, msg)
		}
		var te *TokenError
		if !errors.As(err, &te) || te.Code != "invalid_client" || te.Op != op {
			t.Errorf("%s: not a *TokenError with the code: %#v", op, err)
		}
	}
	if msg := tokenError(OpRefresh, config.Region{}, oauth2.Config{Endpoint: oauth2.Endpoint{TokenURL: "u"}}, errors.New("dial tcp: connection refused")).Error(); !strings.Contains(msg, "the refresh at u failed") {
		t.Errorf("network error: %q", msg)
	}
}
