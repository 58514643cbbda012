package urlfacts

import (
	"fmt"
	"strings"
)

// MaxInput bounds what Read takes: a URL (or a paste around one) of more
// than 1 MB is refused, not read.
const MaxInput = 1 << 20

// Reason is why an input is not a URL Read can explain.
type Reason string

// The reasons of an InputError.
const (
	TooLarge    Reason = "too_large"    // over MaxInput
	Empty       Reason = "empty"        // nothing but white space
	NotURL      Reason = "not_url"      // no scheme://host anywhere in it
	NotAbsolute Reason = "not_absolute" // a path or a host without a scheme ("/connect/authorize?…")
	Unparsable  Reason = "unparsable"   // scheme:// but not a URL (a bad host, port or escape)
)

// InputError says the input is not a URL Read can explain. It never holds
// the input (it may hold a password): Bytes is its length.
type InputError struct {
	Reason Reason
	Bytes  int
}

func (e *InputError) Error() string {
	switch e.Reason {
	case TooLarge:
		return fmt.Sprintf("the input is %d bytes, over the %d bytes a URL may have here", e.Bytes, MaxInput)
	case Empty:
		return "the input is empty"
	case NotAbsolute:
		return "not an absolute URL: it has no scheme and host"
	case Unparsable:
		return "it does not parse as a URL"
	}
	return "not a URL: it holds no scheme://host"
}

// extract takes the URL out of a paste: white space, quotes, angle
// brackets, a "GET https://… HTTP/1.1" request line, a sentence around it.
// It returns the URL, whether text was around it, and whether more URLs
// follow it.
func extract(raw string) (u string, around, more bool, err error) {
	if len(raw) > MaxInput {
		return "", false, false, &InputError{Reason: TooLarge, Bytes: len(raw)}
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", false, false, &InputError{Reason: Empty}
	}
	sep := strings.Index(s, "://")
	if sep < 0 {
		return "", false, false, &InputError{Reason: notURLReason(s), Bytes: len(raw)}
	}
	start := sep
	for start > 0 && schemeByte(s[start-1]) {
		start--
	}
	for start < sep && !letter(s[start]) { // a scheme starts with a letter
		start++
	}
	if start == sep {
		return "", false, false, &InputError{Reason: NotAbsolute, Bytes: len(raw)}
	}
	quote := byte(0)
	if start > 0 && (s[start-1] == '\'' || s[start-1] == '"' || s[start-1] == '`') {
		quote = s[start-1]
	}
	end := sep + 3
	for end < len(s) && !delimiter(s[end], quote) {
		end++
	}
	u = trimTrailing(s[start:end])
	more = strings.Contains(s[start+len(u):], "://")
	return u, start > 0 || start+len(u) < len(s), more, nil
}

// notURLReason: a path or a host/path without a scheme is a URL that is
// not absolute; anything else is not a URL.
func notURLReason(s string) Reason {
	first, _, _ := strings.Cut(s, " ")
	switch {
	case strings.HasPrefix(first, "/") || strings.HasPrefix(first, "?"):
		return NotAbsolute
	case strings.Contains(first, ".") && strings.Contains(first, "/") && !strings.ContainsAny(first[:strings.IndexByte(first, '/')], ":@"):
		return NotAbsolute
	}
	return NotURL
}

func letter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func schemeByte(c byte) bool {
	return letter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

// delimiter ends a URL in a paste: white space, a control character, a
// quote, an angle bracket (and the quote that opened it).
func delimiter(c, quote byte) bool {
	switch {
	case c <= ' ' || c == 0x7f:
		return true
	case c == '"' || c == '<' || c == '>' || c == '`':
		return true
	}
	return quote != 0 && c == quote
}

// trimTrailing drops the punctuation a sentence puts after a URL, and a
// closing bracket the URL did not open (counted once: a paste of a
// million ")" is one pass, not a million).
func trimTrailing(u string) string {
	open := map[byte]int{')': strings.Count(u, "("), ']': strings.Count(u, "[")}
	closed := map[byte]int{')': strings.Count(u, ")"), ']': strings.Count(u, "]")}
	for len(u) > 0 {
		switch c := u[len(u)-1]; {
		case strings.IndexByte(".,;:!?'", c) >= 0:
		case (c == ')' || c == ']') && open[c] < closed[c]:
			closed[c]--
		default:
			return u
		}
		u = u[:len(u)-1]
	}
	return u
}
