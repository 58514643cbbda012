package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// These tests swap go-keyring's global provider, so none of them runs in
// parallel.

func TestKeyringRoundTrip(t *testing.T) {
	keyring.MockInit()
	st := NewKeyring("ssodesk")
	if got := st.Where(); got != "OS keyring (service ssodesk)" {
		t.Errorf("Where = %q", got)
	}
	in := sample("eu", "my-app")
	if err := st.Save(in); err != nil {
		t.Fatal(err)
	}
	out, err := st.Load("eu", "my-app")
	if err != nil {
		t.Fatal(err)
	}
	in.Version, in.SavedAt = 1, out.SavedAt
	if !equal(in, out) || out.SavedAt.IsZero() {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}

	// The entry is the session JSON under region/clientID; the index lists it.
	raw, err := keyring.Get("ssodesk", "eu/my-app")
	if err != nil || !strings.Contains(raw, `"access_token":"at-eu-SECRETACCESS"`) {
		t.Errorf("entry eu/my-app = %q, %v", raw, err)
	}
	idx, err := keyring.Get("ssodesk", IndexUser)
	if err != nil || idx != `{"version":1,"keys":["eu/my-app"]}` {
		t.Errorf("index = %q, %v", idx, err)
	}

	in.AccessToken = "at-2"
	if err := st.Save(in); err != nil {
		t.Fatal(err)
	}
	if out, _ := st.Load("eu", "my-app"); out.AccessToken != "at-2" {
		t.Errorf("after a second Save: %q", out.AccessToken)
	}
}

func TestKeyringListAndDelete(t *testing.T) {
	keyring.MockInit()
	st := NewKeyring("ssodesk")
	if ss, err := st.List(); err != nil || len(ss) != 0 {
		t.Errorf("List of an empty keyring: %v, %v", ss, err)
	}
	for _, k := range [][2]string{{"us", "b"}, {"eu", "b/with/slashes"}, {"eu", "a"}} {
		if err := st.Save(sample(k[0], k[1])); err != nil {
			t.Fatal(err)
		}
	}
	list := func() string {
		t.Helper()
		ss, err := st.List()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range ss {
			got = append(got, s.Region+"/"+s.ClientID)
		}
		return strings.Join(got, " ")
	}
	if got, want := list(), "eu/a eu/b/with/slashes us/b"; got != want {
		t.Errorf("List = %s, want %s", got, want)
	}

	if err := st.Delete("eu", "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load("eu", "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load after Delete: %v", err)
	}
	if err := st.Delete("eu", "a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
	if got, want := list(), "eu/b/with/slashes us/b"; got != want {
		t.Errorf("List after Delete = %s, want %s", got, want)
	}

	// An entry removed behind the store's back is dropped from the index.
	if err := keyring.Delete("ssodesk", "us/b"); err != nil {
		t.Fatal(err)
	}
	if got, want := list(), "eu/b/with/slashes"; got != want {
		t.Errorf("List after an outside delete = %s, want %s", got, want)
	}
	if idx, _ := keyring.Get("ssodesk", IndexUser); idx != `{"version":1,"keys":["eu/b/with/slashes"]}` {
		t.Errorf("stale key not pruned: %s", idx)
	}
}

func TestKeyringCorrupt(t *testing.T) {
	keyring.MockInit()
	st := NewKeyring("ssodesk")
	if err := st.Save(sample("eu", "a")); err != nil {
		t.Fatal(err)
	}
	keyring.Set("ssodesk", "eu/a", "{oops")
	_, err := st.Load("eu", "a")
	var ce *CorruptError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "keyring entry eu/a (service ssodesk) is corrupt") {
		t.Errorf("Load of a corrupt entry: %v", err)
	}
	if _, err := st.List(); !errors.As(err, &ce) {
		t.Errorf("List with a corrupt entry: %v", err)
	}

	// A corrupt index fails List and is replaced by the next Save.
	keyring.Set("ssodesk", IndexUser, "nope")
	if _, err := st.List(); !errors.As(err, &ce) || !strings.Contains(err.Error(), "index") {
		t.Errorf("List with a corrupt index: %v", err)
	}
	if err := st.Save(sample("us", "b")); err != nil {
		t.Fatal(err)
	}
	if ss, err := st.List(); err != nil || len(ss) != 1 {
		t.Errorf("List after the index was replaced: %v, %v", ss, err)
	}
}

func TestKeyringUnavailable(t *testing.T) {
	t.Cleanup(keyring.MockInit)
	dbusErr := errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	keyring.MockInitWithError(dbusErr)
	st := NewKeyring("ssodesk")
	check := func(op string, err error) {
		t.Helper()
		if !errors.Is(err, ErrKeyringUnavailable) || !errors.Is(err, dbusErr) {
			t.Errorf("%s: %v does not wrap ErrKeyringUnavailable and the cause", op, err)
			return
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "the OS keyring is not available here: The name org.freedesktop.secrets") ||
			!strings.HasSuffix(msg, "; use store: file") {
			t.Errorf("%s: message %q", op, msg)
		}
	}
	check("Save", st.Save(sample("eu", "a")))
	_, err := st.Load("eu", "a")
	check("Load", err)
	check("Delete", st.Delete("eu", "a"))
	_, err = st.List()
	check("List", err)

	keyring.MockInitWithError(keyring.ErrSetDataTooBig)
	err = st.Save(sample("eu", "a"))
	if err == nil || !strings.Contains(err.Error(), "too large") || !strings.Contains(err.Error(), "use store: file") {
		t.Errorf("Save too big: %v", err)
	}
}

func TestOpen(t *testing.T) {
	for _, kind := range []string{"", "none", " None "} {
		_, err := Open(kind, "")
		if !errors.Is(err, ErrStorageOff) || !strings.Contains(err.Error(), "session storage is off") {
			t.Errorf("Open(%q): %v", kind, err)
		}
	}
	_, err := Open("sqlite", "")
	if err == nil || !strings.Contains(err.Error(), `"sqlite"`) ||
		!strings.Contains(err.Error(), "file, keyring and none") {
		t.Errorf("Open(sqlite): %v", err)
	}

	dir := t.TempDir()
	st, err := Open("file", dir)
	if err != nil || st.Where() != "file "+dir {
		t.Errorf("Open(file, dir): %v, %v", st, err)
	}
	t.Setenv("XDG_STATE_HOME", dir)
	st, err = Open("file", "")
	if want := "file " + filepath.Join(dir, "ssodesk", "sessions"); err != nil || st.Where() != want {
		t.Errorf("Open(file, \"\"): %v, want %s", err, want)
	}
	st, err = Open("keyring", "")
	if err != nil || st.Where() != "OS keyring (service ssodesk)" {
		t.Errorf("Open(keyring): %v, %v", st, err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if got := DefaultDir(); got != filepath.Join("/x/state", "ssodesk", "sessions") {
		t.Errorf("with XDG_STATE_HOME: %s", got)
	}
	t.Setenv("XDG_STATE_HOME", "relative")
	t.Setenv("HOME", "/home/u")
	if got := DefaultDir(); got != filepath.Join("/home/u", ".local", "state", "ssodesk", "sessions") {
		t.Errorf("with a relative XDG_STATE_HOME: %s", got)
	}
}
