package main

import (
	"testing"
	"time"
)

func TestProcessCPUSecondsGrowsWithWork(t *testing.T) {
	before, ok := processCPUSeconds()
	if !ok {
		t.Skip("getrusage is not available on this platform")
	}
	deadline := time.Now().Add(60 * time.Millisecond)
	x := 0
	for time.Now().Before(deadline) {
		x++
	}
	after, _ := processCPUSeconds()
	if after-before < 0.02 {
		t.Fatalf("CPU seconds grew by %.4f over a 60 ms busy loop (x=%d)", after-before, x)
	}
}

func TestSelfCheckSamplesLagAndCPUWindows(t *testing.T) {
	s := &SelfCheck{}
	if snap := s.Snapshot(); snap.Started || snap.LagSamples != 0 || snap.GOMAXPROCS < 1 {
		t.Fatalf("before Start: %+v", snap)
	}
	s.Start()
	s.Start() // idempotent
	defer s.halt()
	time.Sleep(1300 * time.Millisecond)
	snap := s.Snapshot()
	if !snap.Started || snap.WallSeconds < 1.2 {
		t.Fatalf("not started or wall %.2f", snap.WallSeconds)
	}
	// About 130 wake-ups of 10 ms; a loaded CI machine may miss some, never most.
	if snap.LagSamples < 60 || snap.LagSamples > 140 {
		t.Fatalf("lag samples %d over 1.3 s at 10 ms", snap.LagSamples)
	}
	if snap.LagP50Ms < 0 || snap.LagP50Ms > snap.LagP99Ms || snap.LagP99Ms > snap.LagMaxMs+0.01 {
		t.Fatalf("lag quantiles out of order: %+v", snap)
	}
	if len(snap.WindowCores) < 1 {
		t.Fatalf("no 1 s CPU window after 1.3 s")
	}
	if snap.CPUSeconds < 0 || snap.CPUSeconds > snap.WallSeconds*float64(snap.NumCPU)+0.1 {
		t.Fatalf("cpu seconds %.3f over %.2f s wall", snap.CPUSeconds, snap.WallSeconds)
	}
}

func TestSelfCheckLagSeesABusyScheduler(t *testing.T) {
	s := &SelfCheck{}
	s.Start()
	defer s.halt()
	// Every P busy with goroutines that never block: the sampler's wake-ups wait for a time slice
	// (Go preempts every 10 ms), so its lateness is in the ms.
	stop := make(chan struct{})
	for i := 0; i < 4*snapProcs(); i++ {
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				spin(2 * time.Millisecond)
			}
		}()
	}
	time.Sleep(600 * time.Millisecond)
	close(stop)
	snap := s.Snapshot()
	if snap.LagMaxMs < 1 {
		t.Fatalf("max lag %.3f ms with every P busy", snap.LagMaxMs)
	}
}

func TestRecordLagQuantiles(t *testing.T) {
	s := &SelfCheck{lagCounts: make([]uint32, lagBuckets+1), started: time.Now()}
	for i := 0; i < 99; i++ {
		s.recordLag(100 * time.Microsecond)
	}
	s.recordLag(2 * time.Second) // beyond the top bucket
	s.recordLag(-time.Millisecond)
	snap := s.Snapshot()
	if snap.LagSamples != 101 || snap.LagP50Ms != 0.11 || snap.LagMaxMs != 2000 || snap.LagP99Ms != 0.11 {
		t.Fatalf("quantiles: %+v", snap)
	}
}

func snapProcs() int { return (&SelfCheck{}).Snapshot().GOMAXPROCS }

func spin(d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
	}
}
