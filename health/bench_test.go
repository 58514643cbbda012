package health

import (
	"context"
	"fmt"
	"testing"
	"time"

	"ssodesk/config"
)

// BenchmarkProbeSixRegions probes one region and six regions that each
// answer after ~200ms. Probing concurrently, "6" takes about as long as "1".
func BenchmarkProbeSixRegions(b *testing.B) {
	var regions []config.Region
	for i := range 6 {
		s := newIDP(b, false, 200*time.Millisecond, nil)
		regions = append(regions, s.region(fmt.Sprintf("r%d", i)))
	}
	for _, n := range []int{1, 6} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				for _, r := range Probe(context.Background(), nil, regions[:n], Options{}) {
					if r.Status == StatusDown || r.Status == StatusMismatch {
						b.Fatalf("%s: %s %s", r.Region, r.Status, r.Err)
					}
				}
			}
		})
	}
}
