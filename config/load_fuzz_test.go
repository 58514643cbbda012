package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds any bytes to the config loader as a YAML file: the answer
// is a config or a *config.Error naming the file, never a panic.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"client_id: x\n", "regions:\n  - name: a\n    issuer: https://a\n", "redirect_uri: http://127.0.0.1:0/cb\n",
		"scopes: [openid, profile]\n", "timeouts: {http: 1s, login: 2m}\n", "regions: 5\n", "api_presets: [{name: a, path: b}]\n",
		": : :\n", "\t\x00", "region: [\n", "builtin_regions: false\n", "culture_lcid: 99999999999999999999\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(p, nil)
		var ce *Error
		switch {
		case err == nil && c == nil:
			t.Fatal("no config and no error")
		case err != nil && !errors.As(err, &ce):
			t.Fatalf("error of type %T, want *config.Error: %v", err, err)
		case err != nil && ce.Source == "":
			t.Fatalf("error names no source: %v", err)
		}
	})
}
