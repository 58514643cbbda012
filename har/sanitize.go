package har

// Sanitising: Sanitize writes a copy of a HAR in which every secret is a
// labelled placeholder that keeps correlation and what a diagnosis needs.

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// SanitizeOptions say how far sanitising goes.
type SanitizeOptions struct {
	RedactPII bool  // also mask people and tenants (names, e-mail, sub, tenant names) consistently, as report's --redact-pii
	MaxFile   int64 // bytes read at most (default 1 GiB)
}

// SanitizeStats say what was replaced, by label ("code": 3, "access_token": 2, "cookie": 14, …), for the command's summary line.
type SanitizeStats struct {
	Entries  int
	Replaced map[string]int // label → values replaced (occurrences: a code in a URL and its queryString counts twice)
}

// sanDefaultMax is the default SanitizeOptions.MaxFile.
const sanDefaultMax = 1 << 30

// Sanitize reads a HAR from r and writes it to w with every secret replaced by a labelled placeholder; the
// output is valid HAR 1.2 with the same entries, order and structure. Streaming: an entry at a time, bounded memory.
//
// It reads the HAR twice: the first pass learns every secret (and, with
// RedactPII, every personal value) the field rules find, the second writes
// each entry with those values replaced wherever they occur, also where no
// rule would look (a code echoed in an error page, a token in a script).
// An input that cannot seek (stdin, a pipe) is first copied to a temporary
// file (0600, removed before Sanitize returns). Nothing is written to w
// unless the whole input is a HAR: a bad input leaves w empty.
func Sanitize(r io.Reader, w io.Writer, o SanitizeOptions) (SanitizeStats, error) {
	limit := o.MaxFile
	if limit <= 0 {
		limit = sanDefaultMax
	}
	src, start, cleanup, err := sanSeekable(r, limit)
	if err != nil {
		return SanitizeStats{}, err
	}
	defer cleanup()
	st := newSanState(o.RedactPII)
	if _, err := sanPass(src, limit, io.Discard, st); err != nil {
		return SanitizeStats{}, err
	}
	st.learnt()
	if _, err := src.Seek(start, io.SeekStart); err != nil {
		return SanitizeStats{}, fmt.Errorf("reading the HAR again: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	n, err := sanPass(src, limit, bw, st)
	if err != nil {
		return SanitizeStats{}, err
	}
	if err := bw.Flush(); err != nil {
		return SanitizeStats{}, &sanWriteError{err}
	}
	return SanitizeStats{Entries: n, Replaced: st.counts}, nil
}

// sanWriteError is a failure to write the output (not the input's fault).
type sanWriteError struct{ err error }

func (e *sanWriteError) Error() string { return "writing the sanitised HAR: " + e.err.Error() }
func (e *sanWriteError) Unwrap() error { return e.err }

// sanSeekable returns r itself when it can seek, else a temporary copy.
func sanSeekable(r io.Reader, limit int64) (io.ReadSeeker, int64, func(), error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		if pos, err := rs.Seek(0, io.SeekCurrent); err == nil {
			return rs, pos, func() {}, nil
		}
	}
	f, err := os.CreateTemp("", "ssodesk-har-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("cannot keep a copy of the HAR to read it twice: %w", err)
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	n, err := io.Copy(f, io.LimitReader(r, limit+1))
	switch {
	case err != nil:
		cleanup()
		return nil, 0, nil, fmt.Errorf("reading the HAR: %w", err)
	case n > limit:
		cleanup()
		return nil, 0, nil, sanTooLarge(limit)
	}
	return f, 0, cleanup, nil
}

func sanTooLarge(limit int64) error {
	return fmt.Errorf("the HAR is larger than %s, more than ssodesk reads: not sanitising it", sanSize(limit))
}

func sanSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// sanLimited fails a read past the limit (rather than ending quietly, which
// would look like a truncated HAR).
type sanLimited struct {
	r     io.Reader
	left  int64
	limit int64
}

func (l *sanLimited) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, sanTooLarge(l.limit)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// sanPass reads one HAR from r and writes it to w, an entry at a time,
// returning the number of entries.
func sanPass(r io.Reader, limit int64, w io.Writer, st *sanState) (int, error) {
	dec := json.NewDecoder(&sanLimited{r: r, left: limit, limit: limit})
	dec.UseNumber()
	st.pass++
	st.counts = map[string]int{}
	p := &sanPrinter{w: w, skip: w == io.Discard}
	n, err := sanTop(dec, p, st)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("not a HAR file: more data after its JSON object")
		}
	}
	if err == nil {
		p.raw("\n")
		err = p.err
		if err != nil {
			err = &sanWriteError{err}
		}
	}
	return n, sanInputError(err)
}

// sanInputError words a decoding failure as what it says of the file.
func sanInputError(err error) error {
	var se *json.SyntaxError
	var we *sanWriteError
	switch {
	case err == nil, errors.As(err, &we):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("not a HAR file: it ends too soon (truncated?)")
	case errors.As(err, &se):
		return fmt.Errorf("not a HAR file: invalid JSON at byte %d: %v", se.Offset, err)
	}
	return err
}
