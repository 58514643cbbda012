// Package store keeps login sessions between runs, when the user opts in.
//
// A support tool should not leave tokens behind, so nothing is stored unless
// the configuration asks for it: Open("none") (and Open("")) is an error that
// says storage is off. Two backends exist:
//
//   - KindFile: one JSON file per (region, client ID) in a private directory
//     (DefaultDir: $XDG_STATE_HOME/ssodesk/sessions, else
//     ~/.local/state/ssodesk/sessions). The directory is created 0700; an
//     existing one that other users can reach is tightened to 0700, and one
//     that belongs to another user is refused. Files are 0600, written
//     atomically (temp file in the same directory, fsync, rename) and named
//     "<region>.<hash of the client ID>.json", so neither a client ID nor a
//     token appears in a file name.
//   - KindKeyring: the OS keyring (macOS Keychain, Windows Credential Manager,
//     Secret Service on Linux) through github.com/zalando/go-keyring; see
//     NewKeyring for the index that makes List possible.
//
// Both replace the entry of (Region, ClientID) on Save and answer ErrNotFound
// when there is none. A stored entry that cannot be read is a *CorruptError
// naming it; it never panics.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Version is the Session.Version this package writes and reads.
const Version = 1

// Session is what is kept of a login, per region and client ID.
type Session struct {
	Version      int       `json:"version"` // 1
	Region       string    `json:"region"`
	Issuer       string    `json:"issuer"` // the endpoint logged in at
	ClientID     string    `json:"client_id"`
	CodeRegion   string    `json:"code_region,omitempty"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	IDToken      string    `json:"id_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry"`
	Scopes       []string  `json:"scopes,omitempty"`
	// Nonce is the nonce of the login that began the session: a refreshed
	// ID token's nonce, if present, must be it (OIDC Core 12.2).
	Nonce   string    `json:"nonce,omitempty"`
	SavedAt time.Time `json:"saved_at"`
}

// Store keeps sessions.
type Store interface {
	// Save replaces the entry of (s.Region, s.ClientID). A zero Version is
	// written as Version (1) and a zero SavedAt as the current time.
	Save(s Session) error
	// Load returns the entry of (region, clientID); ErrNotFound when none.
	Load(region, clientID string) (Session, error)
	// Delete removes the entry of (region, clientID); ErrNotFound when none.
	Delete(region, clientID string) error
	// List returns all stored sessions, sorted by region then client ID.
	// When some entries cannot be read it returns the readable ones together
	// with an error joining a *CorruptError per unreadable entry.
	List() ([]Session, error)
	// Where says where sessions are kept, for humans:
	// "file /home/u/.local/state/ssodesk/sessions" or
	// "OS keyring (service ssodesk)".
	Where() string
}

// Kinds of store, as written in the config ("store: file").
const (
	KindFile    = "file"
	KindKeyring = "keyring"
	KindNone    = "none"
	KindMemory  = "memory" // this process only (the demo)
)

// DefaultService is the keyring service name Open uses.
const DefaultService = "ssodesk"

// ErrNotFound: no session is stored for that region and client ID.
var ErrNotFound = errors.New("no stored session")

// ErrStorageOff is what Open returns for "" and "none".
var ErrStorageOff = errors.New(`session storage is off (store: none), so no session is kept between runs; ` +
	`set store: file or store: keyring to keep one`)

// CorruptError: a stored entry exists but is not a readable session.
type CorruptError struct {
	What string // "session file /path/eu.0123….json", "keyring entry eu/app (service ssodesk)"
	Err  error  // why it could not be read
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s is corrupt: %v (delete it; the next login that stores a session replaces it)", e.What, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// Open returns the store of that kind: "file" in dir ("" = DefaultDir()), or
// "keyring" (service "ssodesk"; dir is ignored). "" and "none" return
// ErrStorageOff; any other kind is an error naming the valid ones.
func Open(kind, dir string) (Store, error) {
	switch strings.ToLower(strings.TrimSpace(kind)) {
	case KindFile:
		if dir == "" {
			dir = DefaultDir()
		}
		if dir == "" {
			return nil, errors.New("cannot tell where to keep sessions: neither XDG_STATE_HOME nor a home directory is known; set XDG_STATE_HOME")
		}
		return NewFile(dir), nil
	case KindKeyring:
		return NewKeyring(DefaultService), nil
	case KindMemory:
		return NewMemory(), nil
	case "", KindNone:
		return nil, ErrStorageOff
	default:
		return nil, fmt.Errorf("unknown session store %q: valid are %s, %s and %s", kind, KindFile, KindKeyring, KindNone)
	}
}

// DefaultDir is $XDG_STATE_HOME/ssodesk/sessions, else
// ~/.local/state/ssodesk/sessions; "" when neither is known. A relative
// XDG_STATE_HOME is ignored, as the XDG spec asks.
func DefaultDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ssodesk", "sessions")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "ssodesk", "sessions")
}

// checkKey validates the (region, client ID) an entry is kept under. A
// region key is an endpoint name, or "<environment>.<endpoint>"; names follow
// the config's rule (a-z, 0-9, - and _), which keeps them safe in file names
// and free of the keyring key's "/".
func checkKey(region, clientID string) error {
	if region == "" {
		return errors.New("a stored session needs a region")
	}
	parts := strings.Split(region, ".")
	if len(parts) > 2 || slices.Contains(parts, "") {
		return fmt.Errorf("region key %q must be a name or environment.name", region)
	}
	for _, r := range region {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("region name %q may hold only a-z, 0-9, - and _", region)
		}
	}
	if clientID == "" {
		return errors.New("a stored session needs a client ID")
	}
	return nil
}

// prepare validates s and fills the defaults Save documents.
func prepare(s Session) (Session, error) {
	if err := checkKey(s.Region, s.ClientID); err != nil {
		return s, err
	}
	switch s.Version {
	case 0:
		s.Version = Version
	case Version:
	default:
		return s, fmt.Errorf("cannot store a session of version %d (this ssodesk writes version %d)", s.Version, Version)
	}
	if s.SavedAt.IsZero() {
		s.SavedAt = time.Now().UTC()
	}
	return s, nil
}

// checkLoaded verifies a decoded entry is the one asked for.
func checkLoaded(s Session, region, clientID string) error {
	if err := checkVersion(s.Version); err != nil {
		return err
	}
	if s.Region != region || s.ClientID != clientID {
		return fmt.Errorf("it holds region %q client %q, expected region %q client %q", s.Region, s.ClientID, region, clientID)
	}
	return nil
}

// checkVersion says why a stored version cannot be read; nil for Version.
func checkVersion(v int) error {
	switch v {
	case Version:
		return nil
	case 0:
		return errors.New("it is not a stored session (no version)")
	default:
		return fmt.Errorf("it is version %d, this ssodesk reads version %d", v, Version)
	}
}
