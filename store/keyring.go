package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/zalando/go-keyring"
)

// IndexUser is the keyring user under which the list of stored keys is kept.
// Session keys always hold a "/", so it cannot clash with one.
const IndexUser = "_index"

// ErrKeyringUnavailable wraps every keyring failure other than "not found"
// (no Secret Service on the D-Bus session bus, a locked or refused keychain,
// an unsupported platform, …).
var ErrKeyringUnavailable = errors.New("the OS keyring is not available here")

type keyringStore struct {
	keyLocks // the keyring has no cross-process lock: refreshes are serialised within this process only
	service  string
	mu       sync.Mutex // serialises this process's index updates (and go-keyring's mock, which is not goroutine-safe)
}

// keyIndex is the value of the IndexUser entry.
type keyIndex struct {
	Version int      `json:"version"`
	Keys    []string `json:"keys"` // region + "/" + clientID, sorted
}

// NewKeyring returns a store in the OS keyring under service: each session is
// an entry with user region + "/" + clientID and the session's JSON as its
// secret.
//
// Keyrings cannot list entries, so an index entry (user IndexUser) holds the
// keys. Save writes the session, then adds its key to the index; Delete
// removes the session, then its key. List reads the index and then each key,
// dropping keys whose entry has gone. Limits: the two writes are not atomic
// and the index is read-modify-write, so two processes saving at the same
// moment, or a crash between the two writes, can leave a session out of the
// index (it still loads by region and client ID, but List does not show it
// until it is saved again); a corrupt index makes List fail and is replaced
// by the next Save or Delete. The macOS Keychain (about 3000 bytes) and
// Windows Credential Manager (2560 bytes) limit an entry's size, which a
// session with access, refresh and ID tokens can exceed: Save then fails
// saying so, and the file store is the way out.
func NewKeyring(service string) Store {
	return &keyringStore{service: service}
}

func (k *keyringStore) Where() string { return fmt.Sprintf("OS keyring (service %s)", k.service) }

func keyOf(region, clientID string) string { return region + "/" + clientID }

func (k *keyringStore) entryName(key string) string {
	return fmt.Sprintf("keyring entry %s (service %s)", key, k.service)
}

// kerr turns a go-keyring error into ErrNotFound or a clear error that still
// wraps the original.
func kerr(err error, size int) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("the OS keyring refused the session as too large (%d bytes; the macOS Keychain takes about 3000 "+
			"and Windows Credential Manager 2560 per entry): %w; use store: file", size, err)
	default:
		return fmt.Errorf("%w: %w; use store: file", ErrKeyringUnavailable, err)
	}
}

func (k *keyringStore) Save(s Session) error {
	s, err := prepare(s)
	if err != nil {
		return err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encoding session: %w", err)
	}
	key := keyOf(s.Region, s.ClientID)

	k.mu.Lock()
	defer k.mu.Unlock()
	if err := kerr(keyring.Set(k.service, key, string(data)), len(data)); err != nil {
		return err
	}
	idx, err := k.readIndex()
	var ce *CorruptError
	if errors.As(err, &ce) {
		idx, err = keyIndex{}, nil // replace a corrupt index rather than fail every save
	}
	if err == nil && !slices.Contains(idx.Keys, key) {
		idx.Keys = append(idx.Keys, key)
		err = k.writeIndex(idx)
	}
	if err != nil {
		_ = keyring.Delete(k.service, key) // keep entry and index in step
		return err
	}
	return nil
}

func (k *keyringStore) Load(region, clientID string) (Session, error) {
	if err := checkKey(region, clientID); err != nil {
		return Session{}, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.load(keyOf(region, clientID), region, clientID)
}

func (k *keyringStore) load(key, region, clientID string) (Session, error) {
	v, err := keyring.Get(k.service, key)
	if err != nil {
		return Session{}, kerr(err, 0)
	}
	var s Session
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return Session{}, &CorruptError{What: k.entryName(key), Err: fmt.Errorf("not valid JSON: %v", err)}
	}
	if err := checkLoaded(s, region, clientID); err != nil {
		return Session{}, &CorruptError{What: k.entryName(key), Err: err}
	}
	return s, nil
}

func (k *keyringStore) Delete(region, clientID string) error {
	if err := checkKey(region, clientID); err != nil {
		return err
	}
	key := keyOf(region, clientID)
	k.mu.Lock()
	defer k.mu.Unlock()
	delErr := kerr(keyring.Delete(k.service, key), 0)
	if delErr != nil && !errors.Is(delErr, ErrNotFound) {
		return delErr
	}
	idx, err := k.readIndex()
	var ce *CorruptError
	switch {
	case errors.As(err, &ce):
		err = k.writeIndex(keyIndex{}) // a corrupt index is replaced
	case err == nil && slices.Contains(idx.Keys, key):
		idx.Keys = slices.DeleteFunc(idx.Keys, func(s string) bool { return s == key })
		err = k.writeIndex(idx)
	}
	if delErr != nil {
		return delErr // ErrNotFound, after dropping a stale index key
	}
	return err
}

func (k *keyringStore) List() ([]Session, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	idx, err := k.readIndex()
	if err != nil {
		return nil, err
	}
	var out []Session
	var errs []error
	var stale []string
	for _, key := range idx.Keys {
		region, clientID, ok := strings.Cut(key, "/")
		if !ok || checkKey(region, clientID) != nil {
			errs = append(errs, &CorruptError{What: k.entryName(IndexUser), Err: fmt.Errorf("it lists a bad key %q", key)})
			continue
		}
		s, err := k.load(key, region, clientID)
		switch {
		case errors.Is(err, ErrNotFound):
			stale = append(stale, key)
		case errors.Is(err, ErrKeyringUnavailable):
			return nil, err
		case err != nil:
			errs = append(errs, err)
		default:
			out = append(out, s)
		}
	}
	if len(stale) > 0 { // best effort: drop keys whose entry has gone
		idx.Keys = slices.DeleteFunc(idx.Keys, func(s string) bool { return slices.Contains(stale, s) })
		_ = k.writeIndex(idx)
	}
	sortSessions(out)
	return out, errors.Join(errs...)
}

// readIndex returns the index; an empty one when there is none.
func (k *keyringStore) readIndex() (keyIndex, error) {
	v, err := keyring.Get(k.service, IndexUser)
	if errors.Is(err, keyring.ErrNotFound) {
		return keyIndex{Version: Version}, nil
	}
	if err != nil {
		return keyIndex{}, kerr(err, 0)
	}
	var idx keyIndex
	if err := json.Unmarshal([]byte(v), &idx); err != nil {
		return keyIndex{}, &CorruptError{What: "the index " + k.entryName(IndexUser), Err: fmt.Errorf("not valid JSON: %v", err)}
	}
	if err := checkVersion(idx.Version); err != nil {
		return keyIndex{}, &CorruptError{What: "the index " + k.entryName(IndexUser), Err: err}
	}
	return idx, nil
}

func (k *keyringStore) writeIndex(idx keyIndex) error {
	idx.Version = Version
	if idx.Keys == nil {
		idx.Keys = []string{}
	}
	slices.Sort(idx.Keys)
	data, err := json.Marshal(idx)
	if err != nil {
		return err
	}
	return kerr(keyring.Set(k.service, IndexUser, string(data)), len(data))
}
