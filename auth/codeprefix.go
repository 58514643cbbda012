package auth

// CodeRegion returns the region prefix of a HIMSA authorization code ("eu"
// for "eu.Xyz…"), or "" when the code carries none. HIMSA rule: the code is
// prefixed with the region of the chosen account; otherwise it is opaque, so
// the code itself is never split or rewritten — this only reads it.
func CodeRegion(code string) string {
	for i := 0; i < len(code) && i <= maxRegionLen; i++ {
		c := code[i]
		switch {
		case c == '.':
			if i == 0 || i == len(code)-1 {
				return ""
			}
			return code[:i]
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-' && i > 0:
		default:
			return ""
		}
	}
	return ""
}

// maxRegionLen bounds a region prefix ("qa-eu" and similar are short).
const maxRegionLen = 16
