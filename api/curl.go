package api

import (
	"sort"
	"strings"
)

// TokenVar is the shell variable a redacted curl command reads the token
// from, e.g. after `export ACCESS_TOKEN=…`.
const TokenVar = "ACCESS_TOKEN"

// Curl renders req against base as a curl command line. Unless reveal is
// set the token is not in it: the command reads it from $ACCESS_TOKEN.
func Curl(base, token string, req Request, reveal bool) (string, error) {
	full, err := req.URL(base)
	if err != nil {
		return "", err
	}
	auth := `"Authorization: Bearer $` + TokenVar + `"`
	if reveal {
		auth = shellQuote("Authorization: Bearer " + token)
	}
	parts := []string{"curl", "-sS", "-X", req.MethodOrGET(), shellQuote(full), "-H", auth, "-H", shellQuote("Accept: application/json")}
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range req.Header[k] {
			parts = append(parts, "-H", shellQuote(k+": "+v))
		}
	}
	if req.Body != "" {
		parts = append(parts, "-H", shellQuote("Content-Type: application/json"), "--data-raw", shellQuote(req.Body))
	}
	return strings.Join(parts, " "), nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
