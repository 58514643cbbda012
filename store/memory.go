package store

import (
	"sync"
)

// NewMemory returns a store that keeps sessions in this process only: the
// demo's, so that `ssodesk demo` never reads or writes the user's sessions.
func NewMemory() Store { return &memoryStore{m: map[string]Session{}} }

type memoryStore struct {
	keyLocks
	mu sync.Mutex
	m  map[string]Session
}

func (s *memoryStore) Where() string { return "memory (this run only)" }

func (s *memoryStore) Save(x Session) error {
	x, err := prepare(x)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[x.Region+"\x00"+x.ClientID] = x
	return nil
}

func (s *memoryStore) Load(region, clientID string) (Session, error) {
	if err := checkKey(region, clientID); err != nil {
		return Session{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	x, ok := s.m[region+"\x00"+clientID]
	if !ok {
		return Session{}, ErrNotFound
	}
	return x, nil
}

func (s *memoryStore) Delete(region, clientID string) error {
	if err := checkKey(region, clientID); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[region+"\x00"+clientID]; !ok {
		return ErrNotFound
	}
	delete(s.m, region+"\x00"+clientID)
	return nil
}

func (s *memoryStore) List() ([]Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Session, 0, len(s.m))
	for _, x := range s.m {
		out = append(out, x)
	}
	sortSessions(out)
	return out, nil
}
