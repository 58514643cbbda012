package store

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func sample(region, clientID string) Session {
	return Session{
		Region:       region,
		Issuer:       "https://idp-" + region + ".himsa-sso.com",
		ClientID:     clientID,
		CodeRegion:   "EU",
		AccessToken:  "at-" + region + "-SECRETACCESS",
		RefreshToken: "rt-SECRETREFRESH",
		IDToken:      "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
		TokenType:    "Bearer",
		Expiry:       time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
		Scopes:       []string{"openid", "profile"},
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestFileRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "ssodesk", "sessions")
	st := NewFile(dir)
	if got := st.Where(); got != "file "+dir {
		t.Errorf("Where = %q", got)
	}
	in := sample("eu", "my-app-client")
	before := time.Now()
	if err := st.Save(in); err != nil {
		t.Fatal(err)
	}
	out, err := st.Load("eu", "my-app-client")
	if err != nil {
		t.Fatal(err)
	}
	if out.Version != 1 || out.SavedAt.Before(before.Add(-time.Second)) {
		t.Errorf("Version %d SavedAt %v: Save should fill them", out.Version, out.SavedAt)
	}
	in.Version, in.SavedAt = out.Version, out.SavedAt
	if !equal(in, out) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}

	// Save replaces the entry of (region, client ID).
	in.AccessToken = "at-2"
	if err := st.Save(in); err != nil {
		t.Fatal(err)
	}
	if out, _ := st.Load("eu", "my-app-client"); out.AccessToken != "at-2" {
		t.Errorf("after a second Save: access token %q", out.AccessToken)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files after two saves of one key, want 1", len(entries))
	}
}

func equal(a, b Session) bool {
	return a.Version == b.Version && a.Region == b.Region && a.Issuer == b.Issuer && a.ClientID == b.ClientID &&
		a.CodeRegion == b.CodeRegion && a.AccessToken == b.AccessToken && a.RefreshToken == b.RefreshToken &&
		a.IDToken == b.IDToken && a.TokenType == b.TokenType && a.Expiry.Equal(b.Expiry) &&
		strings.Join(a.Scopes, " ") == strings.Join(b.Scopes, " ") && a.SavedAt.Equal(b.SavedAt)
}

func TestFilePermissionsAndNames(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Log("Unix modes are not checked on Windows")
		return
	}
	dir := filepath.Join(t.TempDir(), "sessions")
	st := NewFile(dir)
	if err := st.Save(sample("eu", "client-ID-visible?")); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("dir mode %04o, want 0700", m)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("entries %v, %v", entries, err)
	}
	name := entries[0].Name()
	if m := mode(t, filepath.Join(dir, name)); m != 0o600 {
		t.Errorf("file mode %04o, want 0600", m)
	}
	if !strings.HasPrefix(name, "eu.") || !strings.HasSuffix(name, ".json") {
		t.Errorf("file name %q, want eu.<hash>.json", name)
	}
	for _, secret := range []string{"client", "ID", "SECRET", "at-"} {
		if strings.Contains(name, secret) {
			t.Errorf("file name %q contains %q", name, secret)
		}
	}
}

func TestFileTightensLooseDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Log("Unix modes are not checked on Windows")
		return
	}
	dir := filepath.Join(t.TempDir(), "sessions")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	st := NewFile(dir)
	if err := st.Save(sample("us", "c")); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("loose dir left at %04o, want tightened to 0700", m)
	}

	// A session file someone made readable is tightened when loaded.
	path := filepath.Join(dir, fileName("us", "c"))
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load("us", "c"); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("loose file left at %04o, want 0600", m)
	}
}

func TestFileAtomicWriteLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	st := NewFile(dir)
	for i := range 20 {
		s := sample("eu", "c")
		s.AccessToken = strings.Repeat("x", i*100)
		if err := st.Save(s); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) || e.Name() != fileName("eu", "c") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	if len(entries) != 1 {
		t.Errorf("%d entries, want 1", len(entries))
	}

	// A failed write removes its temp file and keeps the old session: make
	// the target a directory so rename fails.
	sub := NewFile(filepath.Join(dir, "sub"))
	if err := os.MkdirAll(filepath.Join(dir, "sub", fileName("us", "c")), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := sub.Save(sample("us", "c")); err == nil {
		t.Fatal("Save over a directory succeeded")
	}
	entries, _ = os.ReadDir(filepath.Join(dir, "sub"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			t.Errorf("failed write left %s", e.Name())
		}
	}
}

func TestFileCorrupt(t *testing.T) {
	dir := t.TempDir()
	st := NewFile(dir)
	path := filepath.Join(dir, fileName("eu", "c"))
	cases := map[string]string{
		"garbage":   "{not json",
		"truncated": `{"version":1,"region":"eu","client_id":"c","access_tok`,
		"empty":     "",
		"null":      "null",
		"version":   `{"version":7,"region":"eu","client_id":"c"}`,
		"other key": `{"version":1,"region":"eu","client_id":"someone-else"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := st.Load("eu", "c")
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load: %v, want a *CorruptError", err)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "corrupt") {
				t.Errorf("message does not name the file: %s", msg)
			}
			t.Log(err)
		})
	}
	// A corrupt file is replaced by the next Save.
	if err := st.Save(sample("eu", "c")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load("eu", "c"); err != nil {
		t.Fatal(err)
	}
}

func TestFileNotFound(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "never-created")
	st := NewFile(dir)
	if _, err := st.Load("eu", "c"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load without dir: %v", err)
	}
	if err := st.Delete("eu", "c"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete without dir: %v", err)
	}
	if ss, err := st.List(); err != nil || len(ss) != 0 {
		t.Errorf("List without dir: %v, %v", ss, err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reading created the directory")
	}

	if err := st.Save(sample("eu", "c")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load("eu", "other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load of another client: %v", err)
	}
	if err := st.Delete("eu", "c"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, fileName("eu", "c"))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Delete left the file: %v", err)
	}
	if _, err := st.Load("eu", "c"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load after Delete: %v", err)
	}
	if err := st.Delete("eu", "c"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
}

func TestFileList(t *testing.T) {
	dir := t.TempDir()
	st := NewFile(dir)
	for _, k := range [][2]string{{"us", "b"}, {"eu", "b"}, {"eu", "a"}, {"global", "a"}} {
		if err := st.Save(sample(k[0], k[1])); err != nil {
			t.Fatal(err)
		}
	}
	// Files List must ignore.
	os.WriteFile(filepath.Join(dir, tempPrefix+"123"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600)
	os.Mkdir(filepath.Join(dir, "sub.json"), 0o700)

	ss, err := st.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range ss {
		got = append(got, s.Region+"/"+s.ClientID)
	}
	if want := "eu/a eu/b global/a us/b"; strings.Join(got, " ") != want {
		t.Errorf("List = %v, want %s", got, want)
	}

	// A corrupt file is reported, the others still listed.
	bad := filepath.Join(dir, "zz.0123.json")
	os.WriteFile(bad, []byte("{"), 0o600)
	ss, err = st.List()
	if len(ss) != 4 || err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("List with a corrupt file: %d sessions, %v", len(ss), err)
	}
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Errorf("List error %v is not a *CorruptError", err)
	}
}

func TestFileRejectsBadKeys(t *testing.T) {
	st := NewFile(t.TempDir())
	for _, s := range []Session{
		{Region: "", ClientID: "c"},
		{Region: "eu", ClientID: ""},
		{Region: "../etc", ClientID: "c"},
		{Region: "EU", ClientID: "c"},
		{Region: "eu", ClientID: "c", Version: 2},
	} {
		if err := st.Save(s); err == nil {
			t.Errorf("Save(%q, %q, v%d) succeeded", s.Region, s.ClientID, s.Version)
		}
	}
	if _, err := st.Load("a/b", "c"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("Load of a bad region: %v", err)
	}
}

// A write killed half-way (a `token` killed while it saved a refresh)
// leaves a 0600 temp file holding the refresh token. Delete (logout
// --local) removes it with the session, in the old ".tmp-<random>" form
// too, and leaves other sessions' alone; a later Save sweeps an old one
// (issue 22, item 19).
func TestFileDeleteRemovesLeftoverTempFiles(t *testing.T) {
	dir := t.TempDir()
	st := NewFile(dir)
	if err := st.Save(sample("eu", "c")); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(sample("us", "c")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, fileName("eu", "c")))
	mine := []string{tempPrefix + fileName("eu", "c") + "-4711", tempPrefix + "815"}
	other := tempPrefix + fileName("us", "c") + "-42"
	for _, n := range append(mine, other) {
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Delete("eu", "c"); err != nil {
		t.Fatal(err)
	}
	for _, n := range mine {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			t.Errorf("Delete left %s (with the refresh token in it)", n)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, other)); err != nil {
		t.Errorf("Delete removed another session's temp file: %v", err)
	}
	// Only leftovers left: Delete removes them and does not say "not found".
	os.WriteFile(filepath.Join(dir, mine[0]), data, 0o600)
	if err := st.Delete("eu", "c"); err != nil {
		t.Errorf("Delete of leftovers alone: %v", err)
	}
	// Save sweeps its own key's leftovers once they are old.
	old := filepath.Join(dir, mine[0])
	os.WriteFile(old, data, 0o600)
	past := time.Now().Add(-2 * leftoverAge)
	os.Chtimes(old, past, past)
	if err := st.Save(sample("eu", "c")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("Save left an old temp file of its session")
	}
}
