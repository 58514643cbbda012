package ui

import "strings"

// maxHighlight bounds the JSON that is coloured; larger bodies are shown
// plain so a big response cannot stall the screen.
const maxHighlight = 256 << 10

// highlightJSON colours JSON text (already indented by encoding/json, so
// valid) with the semantic styles: keys, strings, numbers and literals.
// It is a small scanner rather than a syntax-highlighting library: chroma
// cost 14 ms of start-up (package init) on every run, for JSON alone.
func highlightJSON(src string, s *Styles) string {
	if len(src) > maxHighlight {
		return src
	}
	var b strings.Builder
	b.Grow(len(src) * 2)
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			j := stringEnd(src, i)
			st := s.JSONString
			if k := skipSpace(src, j); k < len(src) && src[k] == ':' {
				st = s.JSONKey
			}
			b.WriteString(st.Render(src[i:j]))
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && strings.IndexByte("0123456789.eE+-", src[j]) >= 0 {
				j++
			}
			b.WriteString(s.JSONNumber.Render(src[i:j]))
			i = j
		case c == 't' || c == 'f' || c == 'n':
			j := i
			for j < len(src) && src[j] >= 'a' && src[j] <= 'z' {
				j++
			}
			b.WriteString(s.JSONLiteral.Render(src[i:j]))
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// stringEnd returns the index just past the JSON string starting at i.
func stringEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(s)
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}
