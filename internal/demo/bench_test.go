package demo

import "testing"

// BenchmarkData measures building the demo's data from the embedded fixture.
func BenchmarkData(b *testing.B) {
	for b.Loop() {
		if _, err := Data(); err != nil {
			b.Fatal(err)
		}
	}
}
