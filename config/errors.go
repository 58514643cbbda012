package config

import "fmt"

// Error is a bad config value or file. It names the key and where the value
// came from (the file, a flag or an environment variable), so the user can fix
// it. Commands exit with code 2 on it.
type Error struct {
	Source string // "/home/u/.config/ssodesk/config.yaml", "flag --redirect-uri", "env SSODESK_REGION"
	Key    string // config key, e.g. "redirect_uri"; "" for file-level problems
	Msg    string
}

func (e *Error) Error() string {
	switch {
	case e.Key == "":
		return fmt.Sprintf("config %s: %s", e.Source, e.Msg)
	case e.Source == "":
		return fmt.Sprintf("config key %q: %s", e.Key, e.Msg)
	default:
		return fmt.Sprintf("config key %q (from %s): %s", e.Key, e.Source, e.Msg)
	}
}
