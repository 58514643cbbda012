package api

// Preset is a named request offered in the API console.
type Preset struct {
	Name   string `json:"name"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	Body   string `json:"body,omitempty"`
}

// Request turns the preset into a request.
func (p Preset) Request() Request {
	return Request{Method: p.Method, Path: p.Path, Query: p.Query, Body: p.Body}
}

// DefaultPresets are plausible calls of the Noah Cloud App Users API v1,
// which serves "a list of users and a list of Associated Locations"; the
// stand-in answers the same routes. HIMSA does not publish the exact routes,
// so the config's api_presets replace these.
func DefaultPresets() []Preset {
	return []Preset{
		{Name: "me", Method: "GET", Path: "me"},
		{Name: "users", Method: "GET", Path: "users"},
		{Name: "locations", Method: "GET", Path: "locations"},
	}
}
