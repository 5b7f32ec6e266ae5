//go:build unix

package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunServesAndStopsOnSIGTERM(t *testing.T) {
	portFile := filepath.Join(t.TempDir(), "port")
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-listen", "127.0.0.1:0", "-port-file", portFile, "-results-root", t.TempDir(), "-ignore-sigint"}, &out)
	}()
	var port string
	for deadline := time.Now().Add(5 * time.Second); port == ""; {
		if b, err := os.ReadFile(portFile); err == nil && strings.HasSuffix(string(b), "\n") {
			port = strings.TrimSpace(string(b))
		} else if time.Now().After(deadline) {
			t.Fatal("no port file")
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	getJSON(t, "http://127.0.0.1:"+port+"/v1/health", http.StatusOK, nil)
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	var health struct {
		Interrupts int `json:"interrupts"`
	}
	getJSON(t, "http://127.0.0.1:"+port+"/v1/health", http.StatusOK, &health) // -ignore-sigint: still serving, and counted
	if health.Interrupts != 1 {
		t.Fatalf("interrupts %d, want 1", health.Interrupts)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("relay did not stop on SIGTERM")
	}
	if want := "relay v1 listening on http://127.0.0.1:" + port + "\n"; out.String() != want {
		t.Fatalf("start line %q, want %q", out.String(), want)
	}
}

func TestRunStopsWhenItsParentsPipeCloses(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = saved }()
	portFile := filepath.Join(t.TempDir(), "port")
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-listen", "127.0.0.1:0", "-port-file", portFile, "-results-root", t.TempDir(), "-exit-on-stdin-eof"}, &bytes.Buffer{})
	}()
	for deadline := time.Now().Add(5 * time.Second); ; {
		if b, err := os.ReadFile(portFile); err == nil && strings.HasSuffix(string(b), "\n") {
			break
		} else if time.Now().After(deadline) {
			t.Fatal("no port file")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The parent dying closes its end of the pipe: the relay must stop by itself.
	_ = w.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("relay kept running after its stdin closed")
	}
}
