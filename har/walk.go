package har

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"ssodesk/safe"
)

// walker walks a HAR's JSON token by token: the top object, log, and
// log.entries, decoding one entry (or page, or creator) at a time.
type walker struct {
	in   *input
	dec  *json.Decoder
	base int64 // the file's offset of dec's input start (minus a replayed prefix)
	name string
	o    Options
	lg   *Log
	ents []*entryRead
	more int // problems past MaxProblems

	sawLog, sawEntries bool
}

func newWalker(in *input, name string, o Options) *walker {
	w := &walker{in: in, dec: json.NewDecoder(in), name: name, o: o, lg: &Log{Source: Source{Name: name}}}
	return w
}

// off is the file's byte offset the decoder has reached.
func (w *walker) off() int64 { return w.base + w.dec.InputOffset() }

func (w *walker) fail(off int64, format string, args ...any) error {
	return &Error{Name: w.name, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// valueErr is syntax for an error of Decode: a syntax error's offset is
// then not the file's, so the Error names where the value starts.
func (w *walker) valueErr(err error, what string) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{Name: w.name, Offset: w.off(), InValue: true, Msg: "is not valid JSON in " + what + ": " + se.Error()}
	}
	return w.syntax(err, what)
}

// syntax turns a decoder's error into an Error naming the file and where.
func (w *walker) syntax(err error, what string) error {
	off := w.off()
	var se *json.SyntaxError
	switch {
	case w.in.n == 0 && errors.Is(err, io.EOF):
		return w.fail(-1, "is empty: not a HAR file")
	case errors.Is(err, errFileTooBig):
		return w.fail(-1, "is larger than the limit of %s: not reading it", size(w.o.MaxFile))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return w.fail(w.in.n, "ends in the middle of %s: the file is truncated", what)
	case errors.As(err, &se):
		// The decoder's offset, not se.Offset: that one counts only the
		// bytes of values the decoder scanned whole.
		return w.fail(off, "is not valid JSON in %s: %s", what, se.Error())
	}
	return w.fail(off, "cannot read %s: %v", what, err)
}

func (w *walker) problem(format string, args ...any) {
	if len(w.lg.Problems) >= MaxProblems {
		w.more++
		return
	}
	w.lg.Problems = append(w.lg.Problems, safe.Printable(fmt.Sprintf(format, args...)))
}

func (w *walker) read() (*Log, error) {
	if err := w.expect('{', "the HAR", "is not a HAR file: it is not a JSON object"); err != nil {
		return nil, err
	}
	for w.dec.More() {
		key, err := w.key("the HAR")
		if err != nil {
			return nil, err
		}
		if key != "log" {
			if err := w.skip(key); err != nil {
				return nil, err
			}
			continue
		}
		if err := w.readLog(); err != nil {
			return nil, err
		}
	}
	if _, err := w.dec.Token(); err != nil { // the closing '}'
		return nil, w.syntax(err, "the HAR")
	}
	if err := w.finish(); err != nil {
		return nil, err
	}
	return w.lg, w.drain()
}

// expect reads a delimiter; another token is the error msg.
func (w *walker) expect(d json.Delim, what, msg string) error {
	off := w.off()
	w.in.limit = -1
	t, err := w.dec.Token()
	if err != nil {
		return w.syntax(err, what)
	}
	if t != d {
		return w.fail(off, "%s", msg)
	}
	return nil
}

func (w *walker) key(what string) (string, error) {
	t, err := w.dec.Token()
	if err != nil {
		return "", w.syntax(err, what)
	}
	k, _ := t.(string)
	return k, nil
}

// bound limits what the decoder may read to MaxEntry bytes from here (the
// file's offset, not the bytes read: the decoder may have read ahead).
func (w *walker) bound() { w.in.limit = w.off() + w.o.MaxEntry }

// value decodes the next value into v, at most MaxEntry bytes of JSON.
// A value of the wrong type is a problem, not an error (ok false).
func (w *walker) value(where string, v any) (bool, error) {
	w.bound()
	err := w.dec.Decode(v)
	w.in.limit = -1
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &te):
		w.problem("%s: %s is %s, not %s", where, cmpOr(te.Field, "the value"), te.Value, te.Type)
		return false, nil
	case errors.Is(err, errEntryTooBig):
		return false, w.fail(w.off(), "%s is larger than the limit of %s", where, size(w.o.MaxEntry))
	}
	return false, w.valueErr(err, where)
}

func (w *walker) skip(key string) error {
	var raw json.RawMessage
	_, err := w.value(safe.Printable(key), &raw)
	return err
}

type nameVersion struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

func (nv nameVersion) String() string {
	return safe.Printable(strings.TrimSpace(nv.Name + " " + nv.Version))
}

func (w *walker) readLog() error {
	w.sawLog = true
	if err := w.expect('{', "log", "has no log object: log is not an object"); err != nil {
		return err
	}
	for w.dec.More() {
		key, err := w.key("log")
		if err != nil {
			return err
		}
		if err := w.readLogKey(key); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.syntax(err, "log")
	}
	return nil
}

func (w *walker) readLogKey(key string) error {
	var nv nameVersion
	switch key {
	case "version":
		var v any
		if _, err := w.value("log.version", &v); err != nil {
			return err
		}
		w.lg.Source.Version = safe.Printable(fmt.Sprint(v))
		if _, ok := v.(string); !ok {
			w.lg.Source.Version = safe.Printable(strings.Trim(string(mustJSON(v)), `"`))
		}
	case "creator":
		if ok, err := w.value("log.creator", &nv); err != nil || !ok {
			return err
		}
		w.lg.Source.Creator = nv.String()
	case "browser":
		if ok, err := w.value("log.browser", &nv); err != nil || !ok {
			return err
		}
		w.lg.Source.Browser = nv.String()
	case "pages":
		return w.readPages()
	case "entries":
		return w.readEntries()
	default:
		return w.skip("log." + key)
	}
	return nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func (w *walker) readPages() error {
	off := w.off()
	t, err := w.dec.Token()
	if err != nil {
		return w.syntax(err, "log.pages")
	}
	if t == nil { // null
		return nil
	}
	if t != json.Delim('[') {
		return w.fail(off, "log.pages is not an array")
	}
	for w.dec.More() {
		var p struct{}
		if _, err := w.value(fmt.Sprintf("page %d", w.lg.Source.Pages+1), &p); err != nil {
			return err
		}
		w.lg.Source.Pages++
	}
	if _, err := w.dec.Token(); err != nil {
		return w.syntax(err, "log.pages")
	}
	return nil
}

// entriesPrefix puts a new decoder where the old one was: inside
// log.entries, after an entry that was too big was skipped.
const entriesPrefix = `{"log":{"entries":[`

func (w *walker) readEntries() error {
	w.sawEntries = true
	if err := w.expect('[', "log.entries", "log.entries is not an array"); err != nil {
		return err
	}
	for w.dec.More() {
		n := w.lg.Source.Entries + 1
		w.lg.Source.Entries++
		var e harEntry
		w.bound()
		err := w.dec.Decode(&e)
		w.in.limit = -1
		var te *json.UnmarshalTypeError
		switch {
		case err == nil:
		case errors.As(err, &te):
			w.problem("entry %d: %s is %s, not %s (read in part)", n, cmpOr(te.Field, "the entry"), te.Value, te.Type)
		case errors.Is(err, errEntryTooBig):
			if err := w.skipEntry(n); err != nil {
				return err
			}
			continue
		default:
			return w.valueErr(err, fmt.Sprintf("entry %d", n))
		}
		w.ents = append(w.ents, w.entry(n, &e))
	}
	if _, err := w.dec.Token(); err != nil {
		return w.syntax(err, "log.entries")
	}
	return nil
}

// skipEntry skips entry n, which is larger than MaxEntry, without holding
// it: it is scanned byte by byte from where the decoder stopped, and a new
// decoder goes on after it.
func (w *walker) skipEntry(n int) error {
	start := w.off()
	br := bufio.NewReader(io.MultiReader(w.dec.Buffered(), w.in))
	sc := &skipper{r: br}
	err := sc.value()
	if err == nil {
		err = sc.separator()
	}
	if err != nil {
		if errors.Is(err, errFileTooBig) || errors.Is(err, io.EOF) {
			return w.syntax(err, fmt.Sprintf("entry %d", n))
		}
		return w.fail(start+sc.n, "is not valid JSON in entry %d: %v", n, err)
	}
	w.problem("entry %d (at byte %d): larger than the limit of %s: skipped", n, start, size(w.o.MaxEntry))
	rest := io.MultiReader(strings.NewReader(entriesPrefix), br)
	w.base = start + sc.n - int64(len(entriesPrefix))
	w.dec = json.NewDecoder(rest)
	for range 5 { // { "log" { "entries" [
		if _, err := w.dec.Token(); err != nil {
			return w.syntax(err, "log.entries")
		}
	}
	return nil
}

// finish checks what the HAR must have and builds the exchanges.
func (w *walker) finish() error {
	switch {
	case !w.sawLog:
		return w.fail(-1, "is not a HAR file: it has no log object")
	case !w.sawEntries:
		return w.fail(-1, "is not a HAR file: its log has no entries")
	}
	if err := w.version(); err != nil {
		return err
	}
	w.build()
	if w.more > 0 {
		w.lg.Problems = append(w.lg.Problems, fmt.Sprintf("… and %d more problems", w.more))
	}
	return nil
}

// version: HAR 1.2 and 1.1 are read (1.1 lacks only optional fields);
// another major version is an error.
func (w *walker) version() error {
	v := w.lg.Source.Version
	switch {
	case v == "1.2":
	case v == "":
		w.problem("log.version is missing: read as HAR 1.2")
	case v == "1.1":
		w.problem("HAR 1.1: read as 1.2 (1.1 lacks some optional fields: pageref, serverIPAddress, connection, comments)")
	case strings.HasPrefix(v, "1."):
		w.problem("HAR %s: read as 1.2", v)
	default:
		return w.fail(-1, "is HAR version %q, which ssodesk does not read (it reads 1.1 and 1.2)", v)
	}
	return nil
}

// drain reads what follows the HAR (so Source has the file's size and
// hash); anything but whitespace is a problem.
func (w *walker) drain() error {
	rest := io.MultiReader(w.dec.Buffered(), w.in)
	buf := make([]byte, 32<<10)
	extra := false
	for {
		n, err := rest.Read(buf)
		if len(bytes.TrimSpace(buf[:n])) > 0 {
			extra = true
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errFileTooBig) {
			return w.fail(-1, "is larger than the limit of %s: not reading it", size(w.o.MaxFile))
		}
		if err != nil {
			return w.fail(w.in.n, "cannot read: %v", err)
		}
	}
	if extra {
		w.problem("there is more after the HAR's JSON object: ignored")
	}
	return nil
}

// size says a byte count for a person.
func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// skipper skips one JSON value byte by byte (strings, nesting), holding
// nothing of it.
type skipper struct {
	r *bufio.Reader
	n int64 // bytes consumed
}

func (s *skipper) byte() (byte, error) {
	c, err := s.r.ReadByte()
	if err == nil {
		s.n++
	}
	return c, err
}

func (s *skipper) nonSpace() (byte, error) {
	for {
		c, err := s.byte()
		if err != nil || !isSpace(c) {
			return c, err
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *skipper) value() error {
	depth := 0
	for {
		c, err := s.nonSpace()
		if err != nil {
			return err
		}
		switch c {
		case '"':
			if err := s.str(); err != nil {
				return err
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
		if depth <= 0 {
			if depth < 0 {
				return errors.New("unexpected " + string(c))
			}
			return nil
		}
	}
}

func (s *skipper) str() error {
	for {
		c, err := s.byte()
		if err != nil {
			return err
		}
		switch c {
		case '\\':
			if _, err := s.byte(); err != nil {
				return err
			}
		case '"':
			return nil
		}
	}
}

// separator consumes the ',' after an entry, or stops before the ']'.
func (s *skipper) separator() error {
	c, err := s.nonSpace()
	if err != nil {
		return err
	}
	switch c {
	case ',':
		return nil
	case ']':
		s.n--
		return s.r.UnreadByte()
	}
	return fmt.Errorf("unexpected %q after an entry", c)
}
