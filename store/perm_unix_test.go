//go:build unix

package store

import (
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
