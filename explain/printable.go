package explain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable replaces control characters (C0, C1, DEL) and invalid UTF-8
// (a lone 0x9b byte is CSI to some terminals) in text that came from outside
// — an IdP's error_description, a claim — with U+FFFD, so it cannot move the
// cursor or restyle a terminal when shown.
func Printable(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// PrintableText is Printable for multi-line text: it keeps newlines and tabs.
func PrintableText(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, isUnsafeInText) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isUnsafeInText(r) || r == utf8.RuneError {
			return '\uFFFD'
		}
		return r
	}, s)
}

func isUnsafeInText(r rune) bool { return r != '\n' && r != '\t' && unicode.IsControl(r) }
