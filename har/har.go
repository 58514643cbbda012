// Package har reads HAR 1.2 files (a browser's devtools export, Playwright's,
// Fiddler's, Charles's, ssodesk's own) into flow exchanges. It streams: the
// JSON is walked token by token down to log.entries and one entry is
// decoded at a time, so a file of 200 MB never sits in memory whole; only
// what an Exchange holds is kept, bodies cut at Options.MaxBody. It has no
// Charm imports and makes no request.
//
// What each field of a flow.Exchange comes from: see entry (entry.go).
// Status is 0 for a request without a response (0 or -1 in the file, or
// none); Error then says why, from Chrome's _error (entry or response),
// Playwright's _failureText, _blockedReason, _corsErrorStatus, or says that
// the file gives no reason. TLS is read only from ssodesk's own _tls.
// Purpose stays "" (ssodesk's _purpose is not read: a HAR has no tags).
// InFrame is true when the file says a document loaded in a frame:
// Chrome's and Edge's _resourceType "document" whose _initiator is the
// parser of another document (an <iframe src>); Playwright's _frameref
// differing from the frame of the page's first document (a document being
// an entry answered with text/html). Firefox, Safari, Fiddler and Charles
// write nothing that says so: false.
//
// Outside text in errors and Problems is made printable (safe.Printable);
// the exchanges hold what the file says (the renderers make it printable).
package har

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"ssodesk/flow"
	"ssodesk/safe"
)

// Source says what a HAR file is (for a report's "source" section).
type Source struct {
	Name    string `json:"name"`              // the file's name ("-" for stdin)
	SHA256  string `json:"sha256"`            // hex SHA-256 of the bytes read
	Size    int64  `json:"size"`              // bytes read
	Creator string `json:"creator,omitempty"` // log.creator name and version, e.g. "WebInspector 537.36", "Firefox 133.0", "ssodesk dev"
	Browser string `json:"browser,omitempty"` // log.browser name and version, when present
	Version string `json:"version,omitempty"` // log.version ("1.2"; "" when absent)
	Pages   int    `json:"pages"`
	Entries int    `json:"entries"`
}

// Log is a HAR read into the flow model.
type Log struct {
	Source    Source
	Exchanges []*flow.Exchange // every entry, sorted by start time (stable), IDs 1..n in that order
	// Problems are what could be read only in part ("entry 17:
	// response.content.text is not valid base64"), printable, in order. At
	// most MaxProblems, the last then saying how many more there were.
	Problems []string
	// Sensitive says whether the HAR holds cookies or Authorization headers
	// at all: Chrome's and Edge's default export ("without sensitive data")
	// strips them; false then (a diagnosis says what that hides).
	Sensitive bool
}

// Options bound what is kept. Zero values are the defaults.
type Options struct {
	MaxBody  int   // bytes of each request or response body kept (default 1 MB); a longer one is cut, with a Problem
	MaxFile  int64 // bytes read at most (default 1 GiB); more is an error naming the limit
	MaxEntry int64 // bytes one entry may take in the JSON (default 64 MB); a larger entry is skipped with a Problem
	// OnlyDiagnosticBodies keeps the response bodies a login's diagnosis
	// reads (HTML, JSON, forms, plain text; and any without a type) and
	// drops the rest (scripts, styles, images, fonts): a HAR of a busy page
	// is mostly those, and a diagnosis never reads them.
	OnlyDiagnosticBodies bool
}

// diagnosticBody says whether a response body of mime type mt is one a
// login's diagnosis reads.
func diagnosticBody(mt string) bool {
	mt = strings.ToLower(mt)
	for _, t := range []string{"json", "html", "x-www-form-urlencoded", "text/plain", "xml"} {
		if strings.Contains(mt, t) {
			return true
		}
	}
	return strings.TrimSpace(mt) == ""
}

// The defaults of Options.
const (
	DefaultMaxBody  = 1 << 20
	DefaultMaxFile  = 1 << 30
	DefaultMaxEntry = 64 << 20
)

// MaxProblems bounds Log.Problems (a file of 20,000 broken entries says
// the first ones and how many more).
const MaxProblems = 200

func (o Options) withDefaults() Options {
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxFile <= 0 {
		o.MaxFile = DefaultMaxFile
	}
	if o.MaxEntry <= 0 {
		o.MaxEntry = DefaultMaxEntry
	}
	return o
}

// Error is a HAR that cannot be read: the file, where (a byte offset, or
// -1 when none applies) and what. Its text is printable.
type Error struct {
	Name   string
	Offset int64
	// InValue: the fault is somewhere in the JSON value (an entry) that
	// starts at Offset (encoding/json's decoder does not say where in it).
	InValue bool
	Msg     string
}

func (e *Error) Error() string {
	if e.InValue {
		return safe.Printable(fmt.Sprintf("HAR file %s: %s (in the value starting at byte %d)", e.Name, e.Msg, e.Offset))
	}
	if e.Offset >= 0 {
		return safe.Printable(fmt.Sprintf("HAR file %s: %s (at byte %d)", e.Name, e.Msg, e.Offset))
	}
	return safe.Printable(fmt.Sprintf("HAR file %s: %s", e.Name, e.Msg))
}

// Read reads a HAR from r; name is what errors and Source call it ("-"
// for stdin).
func Read(r io.Reader, name string, o Options) (*Log, error) {
	o = o.withDefaults()
	h := sha256.New()
	in := &input{r: r, hash: h, maxFile: o.MaxFile, limit: -1}
	w := newWalker(in, name, o)
	lg, err := w.read()
	if err != nil {
		return nil, err
	}
	lg.Source.SHA256 = fmt.Sprintf("%x", h.Sum(nil))
	lg.Source.Size = in.n
	return lg, nil
}

// ReadFile reads the HAR at path. Only a regular file is read: a
// directory, a device (/dev/zero never ends), a FIFO (it blocks) or a
// socket is an error naming it, at once. The file is opened without
// blocking and its mode checked once open, so a file swapped after a look
// cannot make it wait.
func ReadFile(path string, o Options) (*Log, error) {
	f, err := OpenRegular(path)
	var nr *NotRegularError
	switch {
	case errors.As(err, &nr):
		return nil, &Error{Name: path, Offset: -1, Msg: "is " + kindOf(nr.Mode) + ", not a HAR file"}
	case err != nil:
		return nil, &Error{Name: path, Offset: -1, Msg: "cannot open: " + unwrapPath(err).Error()}
	}
	defer f.Close()
	return Read(f, path, o)
}

// NotRegularError: the path names a directory, a device, a FIFO or a socket.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return e.Path + " is " + kindOf(e.Mode) + ", not a regular file"
}

// OpenRegular opens path for reading if it is a regular file, at once: it
// is opened without blocking (a FIFO does not wait for a writer) and its
// mode checked once open (a file swapped after a look cannot make it wait);
// anything else is a *NotRegularError. `har` and `har sanitize` read with it.
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if st, serr := os.Stat(path); serr == nil && !st.Mode().IsRegular() {
			return nil, &NotRegularError{Path: path, Mode: st.Mode()}
		}
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = &NotRegularError{Path: path, Mode: st.Mode()}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// kindOf names a file that is not a regular one.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// input counts and hashes the bytes read, refuses more than maxFile, and
// refuses to go past limit (an entry's end at most; -1: no limit).
type input struct {
	r       io.Reader
	hash    hash.Hash
	n       int64
	maxFile int64
	limit   int64
}

var (
	errFileTooBig  = errors.New("file too big")
	errEntryTooBig = errors.New("entry too big")
)

func (in *input) Read(p []byte) (int, error) {
	if in.n > in.maxFile {
		return 0, errFileTooBig
	}
	if in.limit >= 0 {
		if in.n >= in.limit {
			return 0, errEntryTooBig
		}
		p = p[:min(int64(len(p)), in.limit-in.n)]
	}
	p = p[:min(int64(len(p)), in.maxFile+1-in.n)]
	n, err := in.r.Read(p)
	in.hash.Write(p[:n])
	in.n += int64(n)
	if in.n > in.maxFile {
		return n, errFileTooBig
	}
	return n, err
}
