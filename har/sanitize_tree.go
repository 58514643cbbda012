package har

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"ssodesk/safe"
)

// sanNode is a JSON value that keeps its keys in order, so a sanitised HAR
// has the structure of the original, key for key.
type sanNode struct {
	kind byte   // 'o' object, 'a' array, 's' string, 'n' number, 'b' true/false, 'z' null
	str  string // a string's value, a number's literal, "true" or "false"
	keys []string
	vals []*sanNode
}

// get is the value of key in an object (nil when absent or not an object).
func (n *sanNode) get(key string) *sanNode {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i]
		}
	}
	return nil
}

// text is a string value ("" for anything else).
func (n *sanNode) text() string {
	if n == nil || n.kind != 's' {
		return ""
	}
	return n.str
}

// each calls f for every string value of n, depth first, in order (keys
// are the HAR's structure and stay).
func (n *sanNode) each(f func(string) string) {
	if n == nil {
		return
	}
	switch n.kind {
	case 's':
		n.str = f(n.str)
	case 'o':
		for _, v := range n.vals {
			v.each(f)
		}
	case 'a':
		for _, v := range n.vals {
			v.each(f)
		}
	}
}

// sanDecode reads one value whose first token is tok.
func sanDecode(dec *json.Decoder, tok json.Token) (*sanNode, error) {
	switch t := tok.(type) {
	case json.Delim:
		n := &sanNode{kind: 'a'}
		if t == '{' {
			n.kind = 'o'
		}
		for dec.More() {
			if n.kind == 'o' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			v, err := sanNext(dec)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		return &sanNode{kind: 's', str: t}, nil
	case json.Number:
		return &sanNode{kind: 'n', str: t.String()}, nil
	case bool:
		return &sanNode{kind: 'b', str: strconv.FormatBool(t)}, nil
	}
	return &sanNode{kind: 'z'}, nil
}

// sanNext reads the next value.
func sanNext(dec *json.Decoder) (*sanNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, sanEOF(err)
	}
	return sanDecode(dec, tok)
}

// sanEOF: the input ended inside a value.
func sanEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// sanTop streams the HAR: {"log": {…, "entries": [entry, …], …}, …}. Every
// value but the entries is read whole (they are small); entries one at a
// time, each sanitised and written before the next is read.
func sanTop(dec *json.Decoder, p *sanPrinter, st *sanState) (int, error) {
	tok, err := dec.Token()
	if err == io.EOF {
		return 0, errors.New("not a HAR file: it is empty")
	}
	if err != nil {
		return 0, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return 0, errors.New(`not a HAR file: it is not a JSON object {"log": …}`)
	}
	p.raw("{")
	entries, sawLog := 0, false
	for i := 0; dec.More(); i++ {
		key, err := dec.Token()
		if err != nil {
			return entries, err
		}
		p.key(key.(string), i, 1)
		if key == "log" && !sawLog {
			sawLog = true
			if entries, err = sanLog(dec, p, st); err != nil {
				return entries, err
			}
			continue
		}
		if err := sanWhole(dec, p, st, 1); err != nil {
			return entries, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return entries, sanEOF(err)
	}
	if !sawLog {
		return 0, errors.New(`not a HAR file: it has no "log"`)
	}
	p.raw("\n}")
	return entries, nil
}

// sanWhole reads, sanitises and writes one value that is not an entry.
func sanWhole(dec *json.Decoder, p *sanPrinter, st *sanState, depth int) error {
	n, err := sanNext(dec)
	if err != nil {
		return err
	}
	st.other(n)
	p.node(n, depth)
	return nil
}

// sanLog streams the "log" object.
func sanLog(dec *json.Decoder, p *sanPrinter, st *sanState) (int, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, sanEOF(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return 0, errors.New(`not a HAR file: "log" is not an object`)
	}
	p.raw("{")
	entries, sawEntries := 0, false
	for i := 0; dec.More(); i++ {
		key, err := dec.Token()
		if err != nil {
			return entries, err
		}
		p.key(key.(string), i, 2)
		if key != "entries" || sawEntries {
			if err := sanWhole(dec, p, st, 2); err != nil {
				return entries, err
			}
			continue
		}
		sawEntries = true
		if entries, err = sanEntries(dec, p, st); err != nil {
			return entries, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return entries, sanEOF(err)
	}
	if !sawEntries {
		return 0, errors.New(`not a HAR file: its "log" has no "entries"`)
	}
	p.raw("\n  }")
	return entries, nil
}

// sanEntries streams the entries array.
func sanEntries(dec *json.Decoder, p *sanPrinter, st *sanState) (int, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, sanEOF(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return 0, errors.New(`not a HAR file: "log.entries" is not an array`)
	}
	p.raw("[")
	n := 0
	for ; dec.More(); n++ {
		e, err := sanNext(dec)
		if err != nil {
			return n, err
		}
		if e.kind != 'o' {
			return n, errors.New("not a HAR file: an entry of log.entries is not an object")
		}
		st.entry(e)
		if n > 0 {
			p.raw(",")
		}
		p.indent(3)
		p.node(e, 3)
	}
	if _, err := dec.Token(); err != nil {
		return n, sanEOF(err)
	}
	if n > 0 {
		p.indent(2)
	}
	p.raw("]")
	return n, nil
}

// sanPrinter writes JSON indented by two spaces, keeping the first error.
type sanPrinter struct {
	w    io.Writer
	err  error
	buf  []byte
	skip bool // the first pass: nothing to write
}

func (p *sanPrinter) raw(s string) {
	if p.err == nil && !p.skip {
		_, p.err = io.WriteString(p.w, s)
	}
}

func (p *sanPrinter) indent(depth int) {
	p.buf = append(p.buf[:0], '\n')
	for range depth {
		p.buf = append(p.buf, ' ', ' ')
	}
	p.raw(string(p.buf))
}

// key writes the i-th key of an object at depth.
func (p *sanPrinter) key(k string, i, depth int) {
	if p.skip {
		return
	}
	if i > 0 {
		p.raw(",")
	}
	p.indent(depth)
	p.raw(sanQuote(k) + ": ")
}

func (p *sanPrinter) node(n *sanNode, depth int) {
	if p.skip {
		return
	}
	switch n.kind {
	case 's':
		p.raw(string(safe.JSON([]byte(sanQuote(n.str))))) // bidi controls and invisible characters escaped too
	case 'n', 'b':
		p.raw(n.str)
	case 'z':
		p.raw("null")
	case 'o', 'a':
		open, end := "{", "}"
		if n.kind == 'a' {
			open, end = "[", "]"
		}
		p.raw(open)
		for i, v := range n.vals {
			if n.kind == 'o' {
				p.key(n.keys[i], i, depth+1)
			} else {
				if i > 0 {
					p.raw(",")
				}
				p.indent(depth + 1)
			}
			p.node(v, depth+1)
		}
		if len(n.vals) > 0 {
			p.indent(depth)
		}
		p.raw(end)
	}
}

// sanQuote is s as a JSON string literal: quotes, backslashes and control
// characters escaped, U+2028/U+2029 and the C1 controls too (the file may
// be shown in a terminal), invalid UTF-8 as U+FFFD. <, > and & stay.
func sanQuote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029' || r >= 0x80 && r <= 0x9f:
			const hex = "0123456789abcdef"
			b = append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(append(b, '"'))
}
