package cli

import (
	"encoding/json"
	"io"
)

// show writes v to w as indented JSON when asJSON, else as human writes it.
func show(w io.Writer, asJSON bool, v any, human func(io.Writer)) error {
	if asJSON {
		return writeJSON(w, v)
	}
	human(w)
	return nil
}

// writeJSON writes v to w as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
