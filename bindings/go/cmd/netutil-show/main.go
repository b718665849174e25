// Command netutil-show prints the report of the pod it runs in (or of a
// pod copied below --root) as JSON: json.Marshal of the Report that
// appnetutil.Collect returns, on one line. It is the report
// `app-netutil show --json` prints, compact instead of indented (and with
// encoding/json's escaping of <, > and &), and it shows what the Go
// binding gives a Go program.
//
//	netutil-show [--root DIR] [--podinfo-dir DIR]
//
// Exit status: 0 when a report was printed (whatever its warnings), 2 when
// it could not be collected (one line on standard error), 1 when it could
// not be written.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	appnetutil "github.com/app-netutil/app-netutil/bindings/go"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("netutil-show", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: netutil-show [--root DIR] [--podinfo-dir DIR]")
		fmt.Fprintln(stderr, "Prints the pod's report (app-netutil's JSON contract v1) on one line.")
		flags.PrintDefaults()
	}
	var opts appnetutil.Options
	flags.StringVar(&opts.Root, "root", "", "read the pod below `DIR` instead of /")
	flags.StringVar(&opts.PodinfoDir, "podinfo-dir", "",
		"read the downward-API files from `DIR` (default: <root>/etc/podnetinfo, or <root>/etc/podinfo when only that exists)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "netutil-show: unexpected argument %q\n", flags.Arg(0))
		return 2
	}
	r, err := appnetutil.Collect(opts)
	if err != nil {
		fmt.Fprintln(stderr, "netutil-show:", err)
		return 2
	}
	out, err := json.Marshal(r)
	if err != nil {
		fmt.Fprintln(stderr, "netutil-show:", err)
		return 1
	}
	if _, err := stdout.Write(append(out, '\n')); err != nil {
		fmt.Fprintln(stderr, "netutil-show: writing the report:", err)
		return 1
	}
	return 0
}
