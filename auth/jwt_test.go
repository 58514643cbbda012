package auth

import (
	"encoding/base64"
	"strings"
	"testing"
)

func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestDecodeJWT(t *testing.T) {
	good := seg(`{"alg":"RS256","kid":"k1","typ":"JWT"}`) + "." + seg(`{"sub":"u1","exp":1700000000,"aud":["a"]}`) + "." + seg("sig")
	j, err := DecodeJWT(good)
	if err != nil {
		t.Fatal(err)
	}
	if j.HeaderString("kid") != "k1" || j.ClaimString("sub") != "u1" || j.SigLen != 3 {
		t.Errorf("decoded %+v", j)
	}
	bad := map[string]string{
		"two parts":     seg(`{}`) + "." + seg(`{}`),
		"four parts":    good + ".x",
		"five parts":    "a.b.c.d.e",
		"bad base64":    "!!!." + seg(`{}`) + ".x",
		"header json":   seg(`not json`) + "." + seg(`{}`) + ".x",
		"payload array": seg(`{"alg":"none"}`) + "." + seg(`[1,2]`) + ".x",
		"payload null":  seg(`{"alg":"none"}`) + "." + seg(`null`) + ".x",
		"bad signature": seg(`{"alg":"none"}`) + "." + seg(`{}`) + ".***",
		"empty":         "",
	}
	want := map[string]string{
		"two parts": "has 2", "four parts": "has 4", "five parts": "encrypted JWE", "bad base64": "header: not base64url",
		"header json": "header: not a JSON object", "payload array": "payload: not a JSON object",
		"payload null": "payload: not a JSON object", "bad signature": "signature: not base64url", "empty": "has 1",
	}
	for name, raw := range bad {
		_, err := DecodeJWT(raw)
		if err == nil || !strings.Contains(err.Error(), want[name]) {
			t.Errorf("%s: err = %v, want %q", name, err, want[name])
		}
	}
}

func TestClassifyToken(t *testing.T) {
	jwt := seg(`{"alg":"RS256"}`) + "." + seg(`{"sub":"x"}`) + "." + seg("s")
	if k, j, _ := ClassifyToken(jwt); k != TokenJWT || j == nil {
		t.Errorf("jwt: %v", k)
	}
	for _, opaque := range []string{"8f3kQ2l9", "a.b.c", strings.Repeat("x", 5000), "abc.def"} {
		if k, _, err := ClassifyToken(opaque); k != TokenOpaque || err != nil {
			t.Errorf("%.20q: kind %v err %v, want opaque", opaque, k, err)
		}
	}
	if k, _, err := ClassifyToken(seg(`{"alg":"RS256"}`) + ".***." + seg("s")); k != TokenMalformed || err == nil {
		t.Errorf("malformed: %v %v", k, err)
	}
	if k, _, _ := ClassifyToken(""); k != TokenAbsent {
		t.Errorf("empty: %v", k)
	}
}

func FuzzDecodeJWT(f *testing.F) {
	for _, s := range []string{"", "a.b.c", seg(`{"alg":"RS256"}`) + "." + seg(`{"sub":1}`) + ".c2ln", "...", "e30.e30.", "\xff.\xfe.\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		j, err := DecodeJWT(raw)
		if (j == nil) == (err == nil) {
			t.Fatalf("DecodeJWT(%q) = %v, %v: exactly one must be set", raw, j, err)
		}
		if j != nil && (j.Header == nil || j.Claims == nil) {
			t.Fatalf("decoded without header or claims")
		}
		ClassifyToken(raw)
	})
}
