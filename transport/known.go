package transport

import "sync"

// Known secrets. Redaction by field name finds a secret where it is
// expected (a code in "code=", a token in "access_token"); an IdP or API
// that echoes one under another name ("idToken", "debug.note": "rt=…", an
// error_description that repeats the request) would get it past that. So
// every secret value known — found by field name in any exchange of a
// trace, or told by the login and the session (code, PKCE verifier, client
// secret, tokens) — is also replaced as a substring wherever it appears:
// in every later exchange of the trace, in those already recorded (when it
// is learnt later), and in any text a caller scrubs with Scrub.

// maxKnown bounds the values a trace learns from its exchanges (what the
// login and the session tell it is never dropped).
const maxKnown = 4 * maxSpread

// Secrets is a set of known secret values (safe for concurrent use; the
// zero value is empty and ready). Values shorter than 6 bytes are ignored:
// they would wreck unrelated text.
type Secrets struct {
	mu  sync.Mutex
	set *secrets
}

// NewSecrets returns a set holding vals.
func NewSecrets(vals ...string) *Secrets {
	s := &Secrets{}
	s.Add(vals...)
	return s
}

// Add records secret values (and their URL- and JSON-encoded forms). It
// reports whether any was new. A nil set ignores them.
func (s *Secrets) Add(vals ...string) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set == nil {
		s.set = newSecrets()
	}
	before := len(s.set.vals)
	s.set.told = true
	for _, v := range vals {
		if !isMarker(v) {
			s.set.add(v)
		}
	}
	s.set.told = false
	return len(s.set.vals) != before
}

// merge adds the values an exchange's redaction found.
func (s *Secrets) merge(from *secrets) bool {
	if s == nil || from == nil || len(from.vals) == 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set == nil {
		s.set = newSecrets()
	}
	s.set.limit = maxKnown
	before := len(s.set.vals)
	for text, n := range from.vals {
		s.set.addAs(text, n)
	}
	return len(s.set.vals) != before
}

// Scrub replaces every known secret in text by its "[redacted N bytes]"
// marker (markers already there are left alone).
func (s *Secrets) Scrub(text string) string {
	if s == nil {
		return text
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.set.apply(text)
}

// ScrubBytes is Scrub for a byte slice.
func (s *Secrets) ScrubBytes(b []byte) []byte {
	if s == nil || len(b) == 0 {
		return b
	}
	return []byte(s.Scrub(string(b)))
}

// Len is the number of texts s replaces (a value and its encoded forms).
func (s *Secrets) Len() int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set == nil {
		return 0
	}
	return len(s.set.vals)
}

// Also returns a set holding s's values and vals (s is not changed).
func (s *Secrets) Also(vals ...string) *Secrets {
	out := &Secrets{}
	if s != nil {
		s.mu.Lock()
		if s.set != nil {
			out.set = newSecrets()
			for k, n := range s.set.vals {
				out.set.vals[k] = n
			}
		}
		s.mu.Unlock()
	}
	out.Add(vals...)
	return out
}

// Scrub replaces every one of vals (secret values) in text; for one-off
// texts such as an IdP's error_description that may repeat the request.
func Scrub(text string, vals ...string) string {
	if text == "" || len(vals) == 0 {
		return text
	}
	return NewSecrets(vals...).Scrub(text)
}
