package explain

// If is yes when b holds, else no: the words of a yes/no fact.
func If(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
