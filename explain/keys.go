package explain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"ssodesk/auth"
	"ssodesk/safe"
)

// KeySet says which key of a JWKS with more than one signs now (the one
// that verified the token) and what the others are ("" for one key, or
// when no key verified). HIMSA's IdP is IdentityServer-like: it announces
// a new key 14 days before it signs with it and keeps the old one 14 days
// after, so two keys in the JWKS is normal.
func KeySet(r *auth.Report) string {
	if r == nil || len(r.JWKSKeyIDs) < 2 || r.SigningKeyID == "" {
		return ""
	}
	others := slices.DeleteFunc(slices.Clone(r.JWKSKeyIDs), func(k string) bool { return k == r.SigningKeyID })
	rest := If(len(others) == 1, "the other, "+strings.Join(others, ", ")+", is", "the others, "+strings.Join(others, ", ")+", are")
	return safe.Printable(fmt.Sprintf("the JWKS has %d keys: kid %s signs now (it verified this token); %s being announced or retired "+
		"(an IdentityServer-like IdP publishes a new key about 14 days before it signs with it and keeps the old one about 14 days after)",
		len(r.JWKSKeyIDs), r.SigningKeyID, rest))
}

// CheckJWKSSeveral: a JWKS with more than one key, seen without a token.
const CheckJWKSSeveral = "more than one key is normal for an IdentityServer-like IdP (a new one is announced before it signs, " +
	"an old one kept after it stopped); which one signs now shows on a token (login, decode --verify)"

// KeyDate is when one JWKS key's certificate (x5c) says it was made and
// until when it is meant to be used.
type KeyDate struct {
	KeyID     string
	NotBefore time.Time
	NotAfter  time.Time
}

// CheckJWKSDates says the oldest and newest key the JWKS dates (from the
// NotBefore of each key's x5c certificate), and how many it cannot date.
// A key without x5c cannot be dated: IdentityServer's automatic RSA keys
// carry none unless UseX509Certificate is set, and ssodesk never guesses.
func CheckJWKSDates(dated []KeyDate, undated int, now time.Time) string {
	if len(dated) == 0 {
		return If(undated == 1, "the key carries", "the keys carry") + " no x5c certificate, so " + If(undated == 1, "its", "their") +
			" age cannot be told (IdentityServer publishes one only with UseX509Certificate)"
	}
	slices.SortFunc(dated, func(a, b KeyDate) int { return a.NotBefore.Compare(b.NotBefore) })
	oldest, newest := dated[0], dated[len(dated)-1]
	s := "oldest key " + keyDate(oldest, now)
	if len(dated) > 1 {
		s += "; newest " + keyDate(newest, now)
	}
	if undated > 0 {
		s += fmt.Sprintf("; %d key%s without x5c cannot be dated", undated, If(undated == 1, "", "s"))
	}
	return safe.Printable(s)
}

func keyDate(k KeyDate, now time.Time) string {
	s := fmt.Sprintf("kid %s made %s (%s)", k.KeyID, k.NotBefore.Local().Format("2006-01-02 15:04"), RelTime(k.NotBefore, now))
	if !k.NotAfter.IsZero() {
		s += ", its certificate valid until " + k.NotAfter.Local().Format("2006-01-02")
	}
	return s
}
