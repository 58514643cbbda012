package session

import "ssodesk/auth"

// WaitCallers waits until n Refresh calls (or more) wait on res's refresh.
func WaitCallers(m *Manager, res *auth.Result, n int) {
	for {
		m.mu.Lock()
		if m.callers[flightKey(res)] >= n {
			m.mu.Unlock()
			return
		}
		if m.joined == nil {
			m.joined = make(chan struct{})
		}
		changed := m.joined
		m.mu.Unlock()
		<-changed
	}
}
