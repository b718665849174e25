package appnetutil

import (
	"testing"

	"github.com/app-netutil/app-netutil/bindings/go/internal/testpods"
)

// The pods docs/performance.md measures.
var benchPods = []string{"sample_deviceinfo_pci", "clean_full_pod", "huge_annotation_256_interfaces"}

// Collect and Close: the library's collection, reading it into a Report,
// and freeing the library's copy, as a program that collects repeatedly
// does.
func BenchmarkCollect(b *testing.B) {
	for _, name := range benchPods {
		opts := Options{Root: testpods.Pod(b, name)}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				r, err := Collect(opts)
				if err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}

// Collect without Close: the finalizers free the library's copies, late,
// since the garbage collector does not see their memory (thousands of
// reports are outstanding at once in this loop, and the C heap grows and
// shrinks between collections).
func BenchmarkCollectNoClose(b *testing.B) {
	opts := Options{Root: testpods.Pod(b, "clean_full_pod")}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Collect(opts); err != nil {
			b.Fatal(err)
		}
	}
}

// The library alone, called from Go: netutil_report_collect and
// netutil_report_free, what BenchmarkCollect adds to is measured against.
func BenchmarkLibraryCollect(b *testing.B) {
	for _, name := range benchPods {
		root := testpods.Pod(b, name)
		b.Run(name, func(b *testing.B) {
			o, err := newCOptions(nil, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer o.free()
			if err := o.str("root", root, setRoot); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if !libraryCollectOnly(o) {
					b.Fatal("collection failed")
				}
			}
		})
	}
}

// Collecting and decoding the library's JSON with encoding/json, what
// Collect does on its fallback path (and the design it replaced): the
// library's JSON writer and the decoding, instead of the getters.
func BenchmarkCollectViaJSON(b *testing.B) {
	for _, name := range benchPods {
		root := testpods.Pod(b, name)
		b.Run(name, func(b *testing.B) {
			o, err := newCOptions(nil, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer o.free()
			if err := o.str("root", root, setRoot); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := collectViaJSON(o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// EALArgs from a collected report.
func BenchmarkEALArgs(b *testing.B) {
	r, err := Collect(Options{Root: testpods.Pod(b, "clean_full_pod")})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := r.EALArgs(EALOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
