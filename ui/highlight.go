package ui

import (
	"bytes"

	"github.com/alecthomas/chroma/v2/quick"
)

// maxHighlight bounds the JSON that is syntax-highlighted; larger bodies are
// shown plain so a big response cannot stall the screen.
const maxHighlight = 256 << 10

// highlightJSON colours pretty-printed JSON for the terminal with chroma,
// in a light or dark theme; on any failure it returns the text as it is.
func highlightJSON(src string, isDark bool) string {
	if len(src) > maxHighlight {
		return src
	}
	style := "github"
	if isDark {
		style = "github-dark"
	}
	var b bytes.Buffer
	if err := quick.Highlight(&b, src, "json", "terminal256", style); err != nil {
		return src
	}
	return b.String()
}
