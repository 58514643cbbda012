package auth

import (
	"strings"
	"testing"
)

// BenchmarkCodeRegion measures the code-prefix parser on the codes it sees:
// a regional code as the stand-in and HIMSA issue them ("eu.…"), a longer
// region name, a code with no prefix (opaque), and a long opaque code, where
// the parser must give up after maxRegionLen bytes rather than scan it all.
// Run: go test -run '^$' -bench CodeRegion ./auth
func BenchmarkCodeRegion(b *testing.B) {
	cases := []struct{ name, code, want string }{
		{"eu", "eu.Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT", "eu"},
		{"qa-eu", "qa-eu.Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT", "qa-eu"},
		{"none", "Jx4Q2f1yZb7Yt0cHq3M9sKQe8wV6pLrA5dNnUoGiXhT", ""},
		{"long-opaque", strings.Repeat("abcdefgh", 1<<10), ""},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if got := CodeRegion(c.code); got != c.want {
				b.Fatalf("CodeRegion = %q, want %q", got, c.want)
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = CodeRegion(c.code)
			}
		})
	}
}
