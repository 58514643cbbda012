package sim

import (
	"fmt"
	"strconv"
)

// lcidCultures maps the Windows LCIDs the sim knows to culture names.
var lcidCultures = map[int]string{
	1033: "en-US",
	1030: "da-DK",
	1031: "de-DE",
	1053: "sv-SE",
	1044: "nb-NO",
}

// describeLCID renders the culture-lcid parameter for the login page:
// "da-DK (1030)" for a known LCID, "LCID 1036" for another number, and
// "unknown LCID (…)" for anything that is not a valid LCID. It returns ""
// when raw is empty.
func describeLCID(raw string) string {
	if raw == "" {
		return ""
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 || n > 0xFFFF {
		return fmt.Sprintf("unknown LCID (%.40q)", raw)
	}
	if name, ok := lcidCultures[n]; ok {
		return fmt.Sprintf("%s (%d)", name, n)
	}
	return fmt.Sprintf("LCID %d", n)
}
