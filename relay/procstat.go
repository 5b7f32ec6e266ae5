package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The k6 process's CPU, read from /proc where the relay can see it (same host, same PID namespace):
// a summary can then tell when k6 itself, not the target, was the bottleneck. Elsewhere the
// lookup finds nothing and the self-check reports k6 as null.

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times; Linux fixes it at 100 for user space.
const clockTicks = 100

// K6Snapshot is the k6 process's CPU as the self-check reports it.
type K6Snapshot struct {
	PID int `json:"pid"`
	// CPUSeconds is user + system CPU since the session was created.
	CPUSeconds  float64   `json:"cpuSeconds"`
	WindowCores []float64 `json:"windowCores"`
}

// socketOwner finds the process holding the TCP socket whose local port is localPort and remote
// port is remotePort, i.e. the client end of a connection to the relay. excludePID skips a process
// (the relay itself, which holds the other end of loopback connections in the same tables).
func socketOwner(localPort, remotePort, excludePID int) (int, bool) {
	inode, ok := socketInode(localPort, remotePort)
	if !ok {
		return 0, false
	}
	return pidOwningSocket(inode, excludePID)
}

func socketInode(localPort, remotePort int) (string, bool) {
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || hexPort(fields[1]) != localPort || hexPort(fields[2]) != remotePort {
				continue
			}
			_ = f.Close()
			return fields[9], fields[9] != "0"
		}
		_ = f.Close()
	}
	return "", false
}

// hexPort reads the port of a /proc/net/tcp address ("0100007F:1F90"); -1 when malformed.
func hexPort(addr string) int {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return -1
	}
	p, err := strconv.ParseUint(addr[i+1:], 16, 16)
	if err != nil {
		return -1
	}
	return int(p)
}

func pidOwningSocket(inode string, excludePID int) (int, bool) {
	want := "socket:[" + inode + "]"
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == excludePID {
			continue
		}
		fdDir := filepath.Join("/proc", p.Name(), "fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue // another user's process, or gone
		}
		for _, fd := range fds {
			if link, err := os.Readlink(filepath.Join(fdDir, fd.Name())); err == nil && link == want {
				return pid, true
			}
		}
	}
	return 0, false
}

// procCPUSeconds reads a process's user + system CPU seconds from /proc/<pid>/stat.
func procCPUSeconds(pid int) (float64, bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name may hold spaces and parentheses; the fields after its last ')' are fixed.
	s := string(raw)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	// utime and stime are fields 14 and 15 of stat(5); f starts at field 3.
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return float64(ut+st) / clockTicks, true
}

// procWatch samples one process's CPU every cpuWindow until the process is gone.
type procWatch struct {
	pid     int
	mu      sync.Mutex
	base    float64
	cpu     float64
	windows []float64
}

// watchProcess starts sampling pid; false when its CPU cannot be read.
func watchProcess(pid int) (*procWatch, bool) {
	cpu, ok := procCPUSeconds(pid)
	if !ok {
		return nil, false
	}
	w := &procWatch{pid: pid, base: cpu, cpu: cpu}
	go w.loop()
	return w, true
}

func (w *procWatch) loop() {
	tick := time.NewTicker(cpuWindow)
	defer tick.Stop()
	last := time.Now()
	for now := range tick.C {
		cpu, ok := procCPUSeconds(w.pid)
		if !ok {
			return
		}
		w.mu.Lock()
		if wall := now.Sub(last).Seconds(); wall > 0 && len(w.windows) < maxWindows {
			w.windows = append(w.windows, (cpu-w.cpu)/wall)
		}
		w.cpu = cpu
		w.mu.Unlock()
		last = now
	}
}

// snapshot reads the figures so far; a nil watch (no k6 found) reports null.
func (w *procWatch) snapshot() *K6Snapshot {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	cpu := w.cpu
	if now, ok := procCPUSeconds(w.pid); ok {
		cpu = now
	}
	return &K6Snapshot{PID: w.pid, CPUSeconds: cpu - w.base, WindowCores: append([]float64{}, w.windows...)}
}
