// Package safe holds the one rule for text from outside (an IdP's
// error_description, a claim, an API body, an error page, a HAR file) on
// its way to a terminal, a report or JSON: Printable for a line, Text for
// several, Writer for a stream, JSON for a document. Every package that
// shows outside text uses it; it has no other job and no dependencies.
package safe

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Printable is the one rule for text from outside (an IdP's
// error_description, a claim, an API body, an error page) on its way to a
// terminal: control characters (C0 with ESC and NUL, DEL, C1 with the
// one-byte CSI U+009B), bidirectional overrides and isolates (which can make
// text read backwards), and invalid UTF-8 (a lone 0x9b byte is CSI to some
// terminals) become U+FFFD, so the text cannot move the cursor, restyle or
// retitle a terminal, or hide what it says. Invisible characters (zero-width
// space U+200B, word joiners U+2060–U+2064, byte order mark U+FEFF, line and
// paragraph separators U+2028/U+2029, tag characters U+E0000–U+E007F,
// Hangul fillers U+115F, U+1160, U+3164, U+FFA0, U+180E, the soft hyphen)
// become U+FFFD too: they would hide text inside what looks like a word or a
// URL. The zero-width joiners U+200C/U+200D, which some scripts and emoji
// need, stay.
func Printable(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unsafeRune(r) || r == utf8.RuneError {
			return '\uFFFD'
		}
		return r
	}, s)
}

// Text is Printable for multi-line text: it keeps newlines and tabs.
func Text(s string) string {
	if safeASCII(s) || utf8.ValidString(s) && strings.IndexFunc(s, isUnsafeInText) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isUnsafeInText(r) || r == utf8.RuneError {
			return '\uFFFD'
		}
		return r
	}, s)
}

// safeASCII: s is text a terminal may print as it is: newlines, tabs and
// printable characters only, valid UTF-8. ASCII is checked a byte at a time
// and only other characters are decoded, so an 8 MB API body is scanned
// quickly (and, when it is safe, never copied).
func safeASCII(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < 0x80 {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || unsafeRune(r) {
			return false
		}
		i += n
	}
	return true
}

// safeBytes is safeASCII for bytes.
func safeBytes(b []byte) bool {
	for i := 0; i < len(b); {
		if c := b[i]; c < 0x80 {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 || unsafeRune(r) {
			return false
		}
		i += n
	}
	return true
}

func isUnsafeInText(r rune) bool { return r != '\n' && r != '\t' && unsafeRune(r) }

// unsafeRune: a control character, or a bidirectional embedding, override,
// isolate or mark.
func unsafeRune(r rune) bool { return unicode.IsControl(r) || isBidi(r) || invisible(r) }

// invisible: a character that shows nothing (or a blank) where it stands.
func invisible(r rune) bool {
	switch r {
	case '\u200B', '\uFEFF', '\u2028', '\u2029', '\u115F', '\u1160', '\u3164', '\uFFA0', '\u180E', '\u00AD':
		return true
	}
	return r >= '\u2060' && r <= '\u2064' || r >= 0xE0000 && r <= 0xE007F
}

func isBidi(r rune) bool {
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069' || r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// JSON escapes, inside encoded JSON, what encoding/json writes raw but a
// terminal may act on: C1 controls (U+0080–U+009F, among them CSI U+009B),
// DEL, the bidirectional controls and the invisible characters (a tag
// character as its surrogate pair). They can only stand inside strings,
// so \uXXXX escapes keep the document's meaning.
func JSON(b []byte) []byte {
	if bytes.IndexFunc(b, func(r rune) bool { return r == 0x7f || unsafeRune(r) && r >= 0x80 }) < 0 {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r > 0xFFFF && unsafeRune(r): // a tag character: a surrogate pair
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, hi, lo)
		case r == 0x7f || r >= 0x80 && unsafeRune(r):
			fmt.Fprintf(&out, `\u%04x`, r)
		default:
			out.Write(b[:n])
		}
		b = b[n:]
	}
	return out.Bytes()
}

// Writer makes everything written through it Printable text (newlines and
// tabs kept): the CLI's stdout and stderr go through one, so no outside
// text reaches the terminal raw, whichever path printed it. A UTF-8
// sequence split across two writes is held until it is whole.
func Writer(w io.Writer) io.Writer { return &safeWriter{w: w} }

type safeWriter struct {
	mu      sync.Mutex
	w       io.Writer
	pending []byte // the start of a UTF-8 sequence the last write cut
}

func (s *safeWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	buf := p
	if len(s.pending) > 0 {
		buf = append(s.pending, p...)
	}
	s.pending = nil
	cut := len(buf)
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	s.pending = append([]byte(nil), buf[cut:]...)
	if safeBytes(buf[:cut]) { // nothing to replace: no copy
		if _, err := s.w.Write(buf[:cut]); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if _, err := io.WriteString(s.w, Text(string(buf[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}
