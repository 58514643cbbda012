package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// fileExt ends every session file's name; temp files start with tempPrefix.
const (
	fileExt    = ".json"
	tempPrefix = ".tmp-"
)

type fileStore struct {
	dir string
	mu  sync.Mutex // serialises this process's writers; rename keeps other processes' readers safe
}

// NewFile returns a store that keeps each session as a JSON file in dir.
//
// Permissions: Save creates dir (and missing parents) 0700. Whenever dir
// exists, every operation first makes sure it is private: a directory other
// users can read, write or enter is tightened to 0700 (an error saying so when
// chmod fails), and one owned by another user is refused. Session files are
// written 0600, and a session file found readable by others is tightened to
// 0600 when loaded. On Windows, where Unix modes mean little, only "is a
// directory" is checked and the user profile's ACLs apply.
func NewFile(dir string) Store {
	return &fileStore{dir: dir}
}

func (f *fileStore) Where() string { return "file " + f.dir }

// fileName is "<region>.<first 16 bytes of sha256(clientID), hex>.json".
// The hash is fixed-length hex, so the name is unambiguous even for an
// "<environment>.<endpoint>" key.
func fileName(region, clientID string) string {
	sum := sha256.Sum256([]byte(clientID))
	return region + "." + hex.EncodeToString(sum[:16]) + fileExt
}

func (f *fileStore) path(region, clientID string) string {
	return filepath.Join(f.dir, fileName(region, clientID))
}

// ready checks the directory when it exists; exists=false when it does not.
func (f *fileStore) ready() (exists bool, err error) {
	if f.dir == "" {
		return false, errors.New("no session directory set")
	}
	if _, err := os.Stat(f.dir); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("session directory %s: %w", f.dir, err)
	}
	return true, ensurePrivateDir(f.dir)
}

func (f *fileStore) Save(s Session) error {
	s, err := prepare(s)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding session: %w", err)
	}
	data = append(data, '\n')

	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dir == "" {
		return errors.New("no session directory set")
	}
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return fmt.Errorf("creating session directory: %w", err)
	}
	if err := ensurePrivateDir(f.dir); err != nil {
		return err
	}
	path := f.path(s.Region, s.ClientID)
	removeLeftovers(path, s.Region, s.ClientID, leftoverAge) // of a process killed while it wrote
	return writeAtomic(path, data)
}

// leftoverAge is how old a temp file of another writer must be before Save
// takes it for a leftover: a write takes milliseconds.
const leftoverAge = time.Minute

// tempPattern is the glob of path's temp files: writeAtomic names them
// ".tmp-<session file name>-<random>", so a leftover says whose it is.
func tempPattern(path string) string {
	return filepath.Join(filepath.Dir(path), tempPrefix+filepath.Base(path)+"-*")
}

// removeLeftovers removes the temp files a killed writer left beside path
// (each 0600, with a refresh token in it) that are at least minAge old:
// those named for path, and those of the older ".tmp-<random>" form that
// hold a session of (region, clientID). It reports whether it removed any.
func removeLeftovers(path, region, clientID string, minAge time.Duration) bool {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	removed := false
	own := tempPrefix + filepath.Base(path) + "-"
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, tempPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < minAge {
			continue
		}
		p := filepath.Join(dir, name)
		if !strings.HasPrefix(name, own) {
			if strings.Contains(name, fileExt+"-") {
				continue // another session's
			}
			if s, err := readSession(p); err != nil || s.Region != region || s.ClientID != clientID {
				continue
			}
		}
		if os.Remove(p) == nil {
			removed = true
		}
	}
	return removed
}

// writeAtomic writes data to a 0600 temp file in path's directory, syncs it
// and renames it over path, so readers see the old file or the new one,
// never a part. The temp file is removed on any failure.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix+filepath.Base(path)+"-*") // created 0600
	if err != nil {
		return fmt.Errorf("writing session: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("writing session file %s: %w", path, err)
		}
	}()
	if err = tmp.Chmod(0o600); err != nil && !isWindows {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable; best effort (not possible on Windows).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func (f *fileStore) Load(region, clientID string) (Session, error) {
	if err := checkKey(region, clientID); err != nil {
		return Session{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	exists, err := f.ready()
	if err != nil {
		return Session{}, err
	}
	if !exists {
		return Session{}, ErrNotFound
	}
	s, err := readSession(f.path(region, clientID))
	if err != nil {
		return Session{}, err
	}
	if err := checkLoaded(s, region, clientID); err != nil {
		return Session{}, &CorruptError{What: "session file " + f.path(region, clientID), Err: err}
	}
	return s, nil
}

// readSession reads and decodes one session file.
// A symbolic link is refused, as Save replaces one rather than write through
// it: a link could point the tokens (and Load's chmod) at another file.
func readSession(path string) (Session, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return Session{}, &CorruptError{What: "session file " + path, Err: errors.New("it is a symbolic link, which ssodesk does not follow")}
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("reading session file: %w", err)
	}
	ensurePrivateFile(path)
	var s Session
	if err := json.Unmarshal(data, &s); err != nil {
		if len(strings.TrimSpace(string(data))) == 0 {
			err = errors.New("the file is empty")
		} else {
			err = fmt.Errorf("not valid JSON: %v", err)
		}
		return Session{}, &CorruptError{What: "session file " + path, Err: err}
	}
	if err := checkVersion(s.Version); err != nil {
		return Session{}, &CorruptError{What: "session file " + path, Err: err}
	}
	return s, nil
}

func (f *fileStore) Delete(region, clientID string) error {
	if err := checkKey(region, clientID); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	exists, err := f.ready()
	if err != nil {
		return err
	}
	if !exists {
		return ErrNotFound
	}
	path := f.path(region, clientID)
	// A write killed half-way leaves a temp file with the refresh token in
	// it: the session is not deleted while one is left.
	leftovers := removeLeftovers(path, region, clientID, 0)
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		if leftovers {
			syncDir(f.dir)
			return nil
		}
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("deleting session: %w", err)
	}
	syncDir(f.dir)
	return nil
}

func (f *fileStore) List() ([]Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	exists, err := f.ready()
	if err != nil || !exists {
		return nil, err
	}
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, fmt.Errorf("listing sessions: %w", err)
	}
	var out []Session
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, fileExt) {
			continue // temp files, editors' leftovers, subdirectories
		}
		path := filepath.Join(f.dir, name)
		s, err := readSession(path)
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err == nil && fileName(s.Region, s.ClientID) != name {
			err = &CorruptError{What: "session file " + path,
				Err: fmt.Errorf("it holds region %q client %q, whose file is %s", s.Region, s.ClientID, fileName(s.Region, s.ClientID))}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, s)
	}
	sortSessions(out)
	return out, errors.Join(errs...)
}

func sortSessions(ss []Session) {
	slices.SortFunc(ss, func(a, b Session) int {
		if c := strings.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		return strings.Compare(a.ClientID, b.ClientID)
	})
}
