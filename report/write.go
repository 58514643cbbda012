package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"ssodesk/safe"
	"strings"
)

// Written names the files Save wrote, as absolute paths (HAR "" when the
// attempt had no trace).
type Written struct{ Report, HAR string }

// IsJSON reports whether a report file name asks for JSON (".json");
// any other name gets Markdown.
func IsJSON(path string) bool { return strings.EqualFold(filepath.Ext(path), ".json") }

// HARPath is where the HAR beside the report at path goes: its name with
// ".har" for its extension.
func HARPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".har"
}

// CheckFree refuses a report path (or, withHAR, its HAR's) that already
// exists, before a login starts: Save never overwrites a file.
func CheckFree(path string, withHAR bool) error {
	paths := []string{absPath(path)}
	if withHAR {
		har := absPath(HARPath(path))
		if har == paths[0] {
			return fmt.Errorf("not writing the report: %s ends in .har, the name of the HAR file that goes beside it (choose another name)", har)
		}
		paths = append(paths, har)
	}
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			return existsError(p)
		}
	}
	return nil
}

// Save builds the report of a and writes it at path (Markdown, or JSON
// for a ".json" name) and, when a has a trace, the redacted HAR beside it
// (HARPath), masked like the report with o.RedactPII. Both are created
// with mode 0600 and never over an existing file; each error names the
// path.
func Save(path string, a Attempt, o Options) (Written, error) {
	withHAR := a.Trace != nil
	if err := CheckFree(path, withHAR); err != nil {
		return Written{}, err
	}
	d, m, err := build(a, o)
	if err != nil {
		return Written{}, err
	}
	out := Written{Report: absPath(path)}
	var har []byte
	if withHAR {
		out.HAR = absPath(HARPath(path))
		d.Trace.HAR = filepath.Base(out.HAR)
		if har, err = harOf(a, d, m); err != nil {
			return Written{}, fmt.Errorf("making the HAR file %s: %w", out.HAR, err)
		}
	}
	body := d.Markdown()
	if o.JSON || IsJSON(path) {
		if body, err = d.JSON(); err != nil {
			return Written{}, err
		}
	}
	body = secretsOf(a).ScrubBytes(body) // the words around them too (an error's text)
	if err := create(out.Report, body); err != nil {
		return Written{}, err
	}
	if withHAR {
		if err := create(out.HAR, har); err != nil {
			os.Remove(out.Report)
			return Written{}, err
		}
	}
	return out, nil
}

// JSON is d as indented JSON (the schema of Document), control characters
// escaped.
func (d *Document) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return safe.JSON(b.Bytes()), nil
}

// harOf is the trace's HAR, cut to the report's exchanges and masked.
func harOf(a Attempt, d *Document, m *masker) ([]byte, error) {
	var raw bytes.Buffer
	if err := a.Trace.WriteHAR(&raw, "ssodesk", d.Generated.Version); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(&raw)
	dec.UseNumber()
	var har map[string]any
	if err := dec.Decode(&har); err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, e := range d.Trace.Entries {
		keep[fmt.Sprint(e.ID)] = true
	}
	if log, ok := har["log"].(map[string]any); ok {
		entries, _ := log["entries"].([]any)
		kept := []any{}
		for _, e := range entries {
			if em, ok := e.(map[string]any); ok && keep[fmt.Sprint(em["_id"])] {
				kept = append(kept, e)
			}
		}
		log["entries"] = kept
	}
	valueStrings(har, secretsOf(a).Scrub)
	if m != nil {
		m.value(har)
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(har); err != nil {
		return nil, err
	}
	return safe.JSON(out.Bytes()), nil
}

// create writes data to a new file at abs, mode 0600, never over one.
func create(abs string, data []byte) error {
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return existsError(abs)
		}
		return fmt.Errorf("cannot create %s: %w", abs, unwrapPath(err))
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(abs)
		return fmt.Errorf("writing %s: %w", abs, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(abs)
		return fmt.Errorf("writing %s: %w", abs, err)
	}
	return nil
}

func existsError(abs string) error {
	return fmt.Errorf("not writing the report: %s already exists (choose another name or remove it)", abs)
}

func absPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return abs
}

// unwrapPath drops *fs.PathError's repetition of the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
