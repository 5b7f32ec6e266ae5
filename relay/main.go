// Command relay is the load-testing harness's stream relay (docs/relay.md): k6 makes one loopback
// call per chat request, and the relay does every per-chunk step in Go.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// shutdownGrace is how long in-flight streams may finish after a stop signal.
const shutdownGrace = 30 * time.Second

// errUsage marks a command line the relay cannot run; what is wrong with it and the usage are on stderr already.
var errUsage = errors.New("usage error")

func main() {
	err := run(os.Args[1:], os.Stdout)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "relay:", err)
		os.Exit(1)
	}
}

// parseFlags parses the command line as every CLI of the project does: -h or -help prints the usage to stdout
// (flag.ErrHelp); a flag it does not know, a bad value or a stray argument prints one line naming it, then the
// usage, to stderr (errUsage).
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	// Silent while parsing: the flag package would print the usage before it is known which stream it belongs on.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: relay [flags]   (npm run relay -- [flags] builds and runs it; docs/relay.md)")
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q (the relay takes flags only)", fs.Arg(0))
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return err
	default:
		fs.SetOutput(stderr)
		fmt.Fprintln(stderr, err)
		fs.Usage()
		return errUsage
	}
}

// run parses flags, listens and serves until a stop signal.
func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("relay", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8391", "address to listen on (loopback unless -allow-remote)")
	allowRemote := fs.Bool("allow-remote", false, "accept a non-loopback -listen address")
	portFile := fs.String("port-file", "", "write the bound port to this file once listening")
	allowList := fs.String("allow", "", "extra target origins every session may reach, comma separated")
	resultsRoot := fs.String("results-root", ".", "folder under which POST /v1/mkdir may create folders")
	ignoreSigint := fs.Bool("ignore-sigint", false, "ignore SIGINT (a wrapper in the same terminal stops the relay itself)")
	stdinEOF := fs.Bool("exit-on-stdin-eof", false, "stop when standard input closes (the parent that holds it has died)")
	if err := parseFlags(fs, args, stdout, os.Stderr); err != nil {
		return err
	}
	if err := checkListen(*listen, *allowRemote); err != nil {
		return err
	}
	var extra []string
	for _, o := range strings.Split(*allowList, ",") {
		if o = strings.TrimSpace(o); o != "" {
			extra = append(extra, o)
		}
	}
	allow, err := originSet(extra, "-allow")
	if err != nil {
		return err
	}
	rootDir, err := filepath.Abs(*resultsRoot)
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(rootDir)
	if err != nil {
		return fmt.Errorf("-results-root: %w", err)
	}
	defer func() { _ = root.Close() }()

	// Signals are caught before the port is announced, so whoever reads the port may stop the relay at once.
	stop := make(chan os.Signal, 2)
	relay := newServer(allow, root)
	if *ignoreSigint {
		// Not ignored but counted: the reports say a run was interrupted when its relay saw the terminal's Ctrl-C.
		interrupts := make(chan os.Signal, 4)
		signal.Notify(interrupts, os.Interrupt)
		defer signal.Stop(interrupts)
		go func() {
			for range interrupts {
				relay.interrupts.Add(1)
			}
		}()
		signal.Notify(stop, syscall.SIGTERM)
	} else {
		signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	}
	defer signal.Stop(stop)
	if *stdinEOF {
		// A wrapper killed with SIGKILL cannot stop its relay; the pipe it held closes, and that is the signal.
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop <- syscall.SIGTERM
		}()
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if *portFile != "" {
		if err := os.WriteFile(*portFile, []byte(strconv.Itoa(port)+"\n"), 0o644); err != nil {
			_ = ln.Close()
			return fmt.Errorf("-port-file: %w", err)
		}
	}
	srv := &http.Server{Handler: relay.handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "relay v%d listening on http://%s\n", apiVersion, ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	go func() {
		<-stop // a second signal means now
		cancel()
	}()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// buildName names this build for /v1/health: the VCS revision when the binary carries one.
func buildName() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "relay"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "relay@" + s.Value[:12]
		}
	}
	return "relay@" + info.Main.Version
}
