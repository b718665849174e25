//go:build !cgo

package appnetutil

// The package is a cgo binding: without cgo (CGO_ENABLED=0, or no C
// compiler) the build stops here, with this name in the error.
var _ = appnetutil_needs_cgo_set_CGO_ENABLED_1_and_install_a_C_compiler
