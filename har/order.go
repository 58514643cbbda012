package har

import (
	"slices"

	"ssodesk/flow"
)

// build sorts the entries by start (stably; one without a start time
// keeps the place of the entry before it), numbers them 1..n and marks
// Playwright's frames.
func (w *walker) build() {
	keys := make([]int64, len(w.ents))
	var last int64
	for i, e := range w.ents {
		if e.started {
			last = e.x.Start.UnixNano()
		}
		keys[i] = last
	}
	idx := make([]int, len(w.ents))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case keys[a] < keys[b]:
			return -1
		case keys[a] > keys[b]:
			return 1
		}
		return 0
	})
	w.lg.Exchanges = make([]*flow.Exchange, len(idx))
	for i, j := range idx {
		w.ents[j].x.ID = i + 1
		w.lg.Exchanges[i] = w.ents[j].x
	}
	w.playwrightFrames(idx)
	w.ents = nil
}

// playwrightFrames: Playwright names each entry's frame (_frameref) but not
// which is a page's main frame; the frame of a page's first document is
// taken as its main one, and a document loaded in another frame of that
// page is in a frame.
func (w *walker) playwrightFrames(idx []int) {
	main := map[string]string{} // pageref → main frame
	for _, j := range idx {
		e := w.ents[j]
		if e.frameRef == "" || e.x.ResourceType != "" && e.x.ResourceType != "document" {
			continue
		}
		if !isDocument(e.x) {
			continue
		}
		m, ok := main[e.x.PageRef]
		if !ok {
			main[e.x.PageRef] = e.frameRef
			continue
		}
		if e.frameRef != m {
			e.x.InFrame = true
		}
	}
}

// isDocument: Playwright writes no resource type; a GET or POST answered
// with HTML (or a navigation's redirect) is taken as a document.
func isDocument(x *flow.Exchange) bool {
	if x.ResourceType == "document" {
		return true
	}
	t := x.ResponseType
	return len(t) >= 9 && t[:9] == "text/html" && x.ResponseHeader.Get("Access-Control-Allow-Origin") == ""
}
