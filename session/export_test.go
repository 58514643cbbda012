package session

import "ssodesk/auth"

// Callers says how many Refresh calls wait on res's refresh.
func Callers(m *Manager, res *auth.Result) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.callers[flightKey(res)]
}
