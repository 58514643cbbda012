package explain

import "fmt"

// Mask shows a secret's first and last few characters and its length, for
// screens where tokens are hidden until the user reveals them.
func Mask(secret string) string {
	const head, tail = 6, 4
	if len(secret) <= head+tail+3 {
		return fmt.Sprintf("•••• (%d bytes)", len(secret))
	}
	return fmt.Sprintf("%s…%s (%d bytes)", secret[:head], secret[len(secret)-tail:], len(secret))
}
