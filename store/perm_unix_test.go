//go:build unix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileRefusesOthersDir(t *testing.T) {
	dir := t.TempDir()
	old := geteuid
	geteuid = func() int { return old() + 4242 } // act as someone who does not own dir
	t.Cleanup(func() { geteuid = old })
	err := NewFile(dir).Save(sample("eu", "c"))
	if err == nil || !strings.Contains(err.Error(), "not to you") || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Save in another user's dir: %v", err)
	}
}

// Load refuses a symlinked session file, as Save does: the link's target is
// neither read nor chmodded.
func TestLoadRefusesASymlinkedSessionFile(t *testing.T) {
	dir := t.TempDir()
	st := NewFile(filepath.Join(dir, "sessions"))
	if err := st.Save(Session{Region: "eu", ClientID: "app", AccessToken: "at"}); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "elsewhere.json")
	data, _ := os.ReadFile(filepath.Join(dir, "sessions", fileName("eu", "app")))
	if err := os.WriteFile(target, data, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "sessions", fileName("eu", "app"))
	os.Remove(link)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := st.Load("eu", "app")
	var ce *CorruptError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("Load = %v, want a refusal of the link", err)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o644 {
		t.Errorf("the link's target was chmodded to %04o", fi.Mode().Perm())
	}
}
