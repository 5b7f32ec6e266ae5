// Command kube is a kube-apiserver with an embedded etcd, for the tests that need a real Kubernetes API
// (no scheduler, controller-manager or kubelet). Two subcommands, each its own process:
//
//	kube etcd --data-dir DIR --listen-client-url http://127.0.0.1:PORT --listen-peer-url http://127.0.0.1:PORT
//	kube apiserver <kube-apiserver flags>
//
// With KUBE_EXIT_ON_STDIN_EOF=1 either exits (SIGTERM to itself) once its stdin closes: a test runner that
// spawns it with a pipe as stdin and dies, even by SIGKILL, takes it along instead of leaving it running.
//
// The apiserver is k8s.io/kubernetes/cmd/kube-apiserver/app, exactly what the kube-apiserver binary runs; etcd
// is go.etcd.io/etcd/server/v3/embed (Debian's etcd-server is 3.4, older than kube-apiserver accepts).
package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // for timeZone support in CronJob, as cmd/kube-apiserver

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // as cmd/kube-apiserver
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // as cmd/kube-apiserver
	_ "k8s.io/component-base/metrics/prometheus/version"  // as cmd/kube-apiserver
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kube etcd|apiserver [flags]")
		os.Exit(2)
	}
	sub, args := os.Args[1], os.Args[2:]
	if os.Getenv("KUBE_EXIT_ON_STDIN_EOF") == "1" {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			fmt.Fprintln(os.Stderr, "kube: stdin closed (parent gone), stopping")
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
			time.Sleep(10 * time.Second)
			os.Exit(1)
		}()
	}
	switch sub {
	case "etcd":
		os.Exit(runEtcd(args))
	case "apiserver":
		command := app.NewAPIServerCommand()
		command.SetArgs(args)
		os.Exit(cli.Run(command))
	default:
		fmt.Fprintf(os.Stderr, "kube: unknown subcommand %q (etcd or apiserver)\n", sub)
		os.Exit(2)
	}
}

func runEtcd(args []string) int {
	fs := flag.NewFlagSet("etcd", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "etcd data directory (required)")
	clientURL := fs.String("listen-client-url", "http://127.0.0.1:2379", "client URL")
	peerURL := fs.String("listen-peer-url", "http://127.0.0.1:2380", "peer URL")
	quotaBytes := fs.Int64("quota-backend-bytes", 2<<30, "backend size quota")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "kube etcd: --data-dir is required")
		return 2
	}
	cu, err := url.Parse(*clientURL)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube etcd: --listen-client-url: %v\n", err)
		return 2
	}
	pu, err := url.Parse(*peerURL)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube etcd: --listen-peer-url: %v\n", err)
		return 2
	}
	cfg := embed.NewConfig()
	cfg.Name = "default"
	cfg.Dir = *dataDir
	cfg.ListenClientUrls = []url.URL{*cu}
	cfg.AdvertiseClientUrls = []url.URL{*cu}
	cfg.ListenPeerUrls = []url.URL{*pu}
	cfg.AdvertisePeerUrls = []url.URL{*pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.QuotaBackendBytes = *quotaBytes
	cfg.LogLevel = "warn"
	cfg.UnsafeNoFsync = true // a throwaway test store: fsync only slows the tests
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube etcd: %v\n", err)
		return 1
	}
	defer e.Close()
	select {
	case <-e.Server.ReadyNotify():
		fmt.Fprintf(os.Stderr, "kube etcd: ready on %s\n", cu)
	case <-time.After(60 * time.Second):
		fmt.Fprintln(os.Stderr, "kube etcd: not ready after 60s")
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case s := <-sig:
		fmt.Fprintf(os.Stderr, "kube etcd: %v, stopping\n", s)
		return 0
	case err := <-e.Err():
		fmt.Fprintf(os.Stderr, "kube etcd: %v\n", err)
		return 1
	}
}
