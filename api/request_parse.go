package api

import (
	"fmt"
	"strings"
)

// ParseHeader parses one header line "Name: value" as a person types it
// (ssodesk call -H, the API console): blanks around the name and the value
// are dropped; the value may be empty and may hold colons.
func ParseHeader(line string) (name, value string, err error) {
	name, value, ok := strings.Cut(line, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return "", "", fmt.Errorf("header %q is not 'Name: value'", line)
	}
	return name, strings.TrimSpace(value), nil
}
