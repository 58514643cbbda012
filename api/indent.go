package api

import (
	"io"
	"strings"
	"unsafe"
)

// A JSON indenter for response bodies: what json.Valid and json.Indent(…,
// "", "  ") do together, byte for byte the same, in two quick passes over
// the body instead of three slow ones (json.Valid, then json.Indent, which
// validates again as it goes). The first pass checks the JSON and counts the
// bytes of the indented text; the second writes them into a buffer of that
// exact size, so a 5 MB body costs one allocation of its indented size.

// maxJSONDepth is encoding/json's limit on nesting.
const maxJSONDepth = 10000

type jsonIndenter struct {
	src   []byte
	i     int
	depth int
	n     int       // bytes of output (the first pass counts them)
	emit  bool      // the second pass: append to out
	out   []byte    // the indented text, of the size the first pass found
	nl    string    // "\n" and spaces for the deepest level so far
	w     io.Writer // streaming (writeIndentedJSON): out is flushed to w every flushAt bytes
	err   error     // w's first error
}

// flushAt is the chunk writeIndentedJSON hands its writer.
const flushAt = 64 << 10

// measureJSON reports whether src is valid JSON (as json.Valid) and the
// length of its indented text.
func measureJSON(src []byte) (int, bool) {
	p := jsonIndenter{src: src}
	if !p.document() {
		return 0, false
	}
	return p.n, true
}

// indentJSON is src indented as json.Indent(dst, src, "", "  ") does it;
// src must be valid JSON whose indented text is n bytes (measureJSON).
func indentJSON(src []byte, n int) string {
	p := jsonIndenter{src: src, emit: true, out: make([]byte, 0, n)}
	if !p.document() || len(p.out) != n {
		return string(src) // cannot happen for valid JSON measured by measureJSON
	}
	// The buffer is never written again: it becomes the string without a
	// copy of 5 MB, as strings.Builder does it.
	return unsafe.String(unsafe.SliceData(p.out), len(p.out))
}

// writeIndentedJSON writes src (valid JSON) indented, as indentJSON, to w
// in chunks of about 64 KB: no string of the whole (8 MB for a 5 MB body).
func writeIndentedJSON(w io.Writer, src []byte) error {
	p := jsonIndenter{src: src, emit: true, out: make([]byte, 0, flushAt+4<<10), w: w}
	p.document()
	p.flush()
	return p.err
}

func (p *jsonIndenter) flush() {
	if p.err == nil && len(p.out) > 0 {
		_, p.err = p.w.Write(p.out)
	}
	p.out = p.out[:0]
}

// document is leading white space (dropped), one value, and trailing white
// space (kept, as json.Indent keeps it).
func (p *jsonIndenter) document() bool {
	p.ws()
	if !p.value() {
		return false
	}
	rest := p.i
	p.ws()
	if p.i != len(p.src) {
		return false
	}
	p.write(p.src[rest:])
	return true
}

func (p *jsonIndenter) write(b []byte) {
	if p.emit {
		p.out = append(p.out, b...)
	} else {
		p.n += len(b)
	}
}

func (p *jsonIndenter) writeByte(c byte) {
	if p.emit {
		p.out = append(p.out, c)
	} else {
		p.n++
	}
}

// newline starts a line at depth d.
func (p *jsonIndenter) newline(d int) {
	if need := 1 + 2*d; len(p.nl) < need {
		p.nl = "\n" + strings.Repeat(" ", max(2*d, 2*len(p.nl)))
	}
	if p.emit {
		if p.w != nil && len(p.out) >= flushAt {
			p.flush()
		}
		p.out = append(p.out, p.nl[:1+2*d]...)
	} else {
		p.n += 1 + 2*d
	}
}

func (p *jsonIndenter) ws() {
	for p.i < len(p.src) {
		if c := p.src[p.i]; c > ' ' || c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return
		}
		p.i++
	}
}

func (p *jsonIndenter) value() bool {
	if p.i >= len(p.src) {
		return false
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.container('}', true)
	case c == '[':
		return p.container(']', false)
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	}
	return false
}

// container is an object or an array, starting at its brace or bracket.
func (p *jsonIndenter) container(end byte, object bool) bool {
	if p.depth++; p.depth > maxJSONDepth {
		return false
	}
	p.writeByte(p.src[p.i])
	p.i++
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == end { // {} and [] stay on one line
		p.writeByte(end)
		p.i++
		p.depth--
		return true
	}
	for {
		p.newline(p.depth)
		if object && !p.member() || !object && !p.value() {
			return false
		}
		p.ws()
		if p.i >= len(p.src) {
			return false
		}
		switch p.src[p.i] {
		case ',':
			p.writeByte(',')
			p.i++
			p.ws()
			continue
		case end:
			p.i++
			p.depth--
			p.newline(p.depth)
			p.writeByte(end)
			return true
		}
		return false
	}
}

// member is `"name": value` in an object.
func (p *jsonIndenter) member() bool {
	if p.i >= len(p.src) || p.src[p.i] != '"' || !p.str() {
		return false
	}
	p.ws()
	if p.i >= len(p.src) || p.src[p.i] != ':' {
		return false
	}
	p.i++
	if p.emit {
		p.out = append(p.out, ':', ' ')
	} else {
		p.n += 2
	}
	p.ws()
	return p.value()
}

// str is a string literal, copied as it is.
func (p *jsonIndenter) str() bool {
	src, start := p.src, p.i
	for i := start + 1; i < len(src); {
		if c := src[i]; c >= 0x20 && c != '"' && c != '\\' {
			i++ // most bytes of a string
			continue
		}
		switch c := src[i]; {
		case c == '"':
			p.i = i + 1
			p.write(src[start:p.i])
			return true
		case c == '\\':
			if i+1 >= len(src) {
				return false
			}
			switch src[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(src) || !isHex(src[i+2]) || !isHex(src[i+3]) || !isHex(src[i+4]) || !isHex(src[i+5]) {
					return false
				}
				i += 6
			default:
				return false
			}
		case c < 0x20:
			return false
		default:
			i++
		}
	}
	return false
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func (p *jsonIndenter) digits(i int) int {
	for i < len(p.src) && p.src[i] >= '0' && p.src[i] <= '9' {
		i++
	}
	return i
}

// number is -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonIndenter) number() bool {
	src, i := p.src, p.i
	if src[i] == '-' {
		i++
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case i < len(src) && src[i] >= '1' && src[i] <= '9':
		i = p.digits(i + 1)
	default:
		return false
	}
	if i < len(src) && src[i] == '.' {
		j := p.digits(i + 1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		j := p.digits(i)
		if j == i {
			return false
		}
		i = j
	}
	p.write(src[p.i:i])
	p.i = i
	return true
}

func (p *jsonIndenter) literal(word string) bool {
	end := p.i + len(word)
	if end > len(p.src) || string(p.src[p.i:end]) != word {
		return false
	}
	p.write(p.src[p.i:end])
	p.i = end
	return true
}
