package main

import (
	"net"
	"net/http"
	"os"
	"runtime"
	"testing"
	"time"
)

// The test process is both ends of a loopback connection, so the lookup runs without excluding itself.
func TestSocketOwnerFindsTheClientProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux only")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	client := conn.LocalAddr().(*net.TCPAddr).Port
	server := ln.Addr().(*net.TCPAddr).Port
	pid, ok := socketOwner(client, server, -1)
	if !ok || pid != os.Getpid() {
		t.Fatalf("socketOwner = %d, %v; want this process %d", pid, ok, os.Getpid())
	}
	if _, ok := socketOwner(client, server, os.Getpid()); ok {
		t.Fatal("the excluded process was still found")
	}
	if _, ok := socketOwner(server, client+1, -1); ok {
		t.Fatal("a port pair with no connection was found")
	}
}

func TestProcWatchReadsCPU(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux only")
	}
	w, ok := watchProcess(os.Getpid())
	if !ok {
		t.Fatal("cannot read this process's /proc stat")
	}
	spin(60 * time.Millisecond)
	snap := w.snapshot()
	if snap.PID != os.Getpid() || snap.CPUSeconds < 0.02 || snap.WindowCores == nil {
		t.Fatalf("snapshot %+v after a 60 ms busy loop", snap)
	}
	if (*procWatch)(nil).snapshot() != nil {
		t.Fatal("no watch must report null")
	}
	if _, ok := watchProcess(1 << 30); ok {
		t.Fatal("a pid that cannot exist was watched")
	}
}

// Through the server: a session created from this process is not attributed to k6, since the
// relay skips its own pid, and the self-check then reports k6 as null.
func TestSessionFromOwnProcessHasNoK6(t *testing.T) {
	s := newTestServer(t, nil)
	id := createSession(t, s, []string{"http://127.0.0.1:1"})
	var snap SelfCheckSnapshot
	getJSON(t, s.URL+"/v1/selfcheck?session="+id, http.StatusOK, &snap)
	if snap.K6 != nil {
		t.Fatalf("k6 %+v, want null", snap.K6)
	}
}
