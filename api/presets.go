package api

import "ssodesk/config"

// FromPreset turns a configured preset into a request.
func FromPreset(p config.APIPreset) Request {
	return Request{Method: p.Method, Path: p.Path, Query: p.Query, Body: p.Body}
}

// Presets are the config's api_presets, or DefaultPresets when it has none.
func Presets(c *config.Config) []config.APIPreset {
	if len(c.APIPresets) > 0 {
		return c.APIPresets
	}
	return DefaultPresets()
}

// DefaultPresets are plausible calls of the Noah Cloud App Users API v1,
// which serves "a list of users and a list of Associated Locations"; the
// stand-in answers the same routes. HIMSA does not publish the exact routes,
// so the config's api_presets replace these.
func DefaultPresets() []config.APIPreset {
	return []config.APIPreset{
		{Name: "me", Method: "GET", Path: "me"},
		{Name: "users", Method: "GET", Path: "users"},
		{Name: "locations", Method: "GET", Path: "locations"},
	}
}
