package cli

import (
	"encoding/json"
	"io"
	"ssodesk/safe"
)

// show writes v to w as indented JSON when asJSON, else as human writes it.
func show(w io.Writer, asJSON bool, v any, human func(io.Writer)) error {
	if asJSON {
		return writeJSON(w, v)
	}
	human(w)
	return nil
}

// writeJSON writes v to w as indented JSON, with the controls a terminal
// might act on escaped (safe.JSON).
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(safe.JSON(b), '\n'))
	return err
}
