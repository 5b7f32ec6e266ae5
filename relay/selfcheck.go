package main

import (
	"math"
	"runtime"
	"sync"
	"time"
)

// The self-check watches the relay while it drives load, so a summary can say when the load
// generator, not the target, limited the figures. It costs one goroutine waking every
// lagInterval (plus one getrusage(2) per cpuWindow), never anything per request or per chunk.
const (
	lagInterval = 10 * time.Millisecond
	cpuWindow   = time.Second
	// lagBucket is the lateness histogram's resolution; lagBuckets*lagBucket (1 s) is its top.
	lagBucket  = 10 * time.Microsecond
	lagBuckets = 100_000
	// maxWindows bounds the per-second CPU record (about 28 hours).
	maxWindows = 100_000
)

// SelfCheck samples this process's CPU use and the Go scheduler's lateness (a goroutine asks to wake
// every lagInterval and records how late it woke: the time a runnable goroutine, such as a stream's
// reader, waits for a CPU). Started once, it runs until the process exits.
type SelfCheck struct {
	once sync.Once
	mu   sync.Mutex

	started    time.Time
	cpuAtStart float64
	cpuOK      bool

	lagCounts []uint32
	lagN      int64
	lagSum    time.Duration
	lagMax    time.Duration

	windowCores []float64
	lastCPU     float64
	lastT       time.Time

	stop chan struct{}
}

// Start begins sampling (idempotent). The first stream call starts it, so an idle relay costs nothing.
func (s *SelfCheck) Start() {
	s.once.Do(func() {
		cpu, ok := processCPUSeconds()
		now := time.Now()
		s.mu.Lock()
		s.started, s.cpuAtStart, s.cpuOK = now, cpu, ok
		s.lastCPU, s.lastT = cpu, now
		s.lagCounts = make([]uint32, lagBuckets+1)
		s.stop = make(chan struct{})
		s.mu.Unlock()
		go s.loop(now)
	})
}

// halt stops the sampler (tests only; the relay ends with its sampler running).
func (s *SelfCheck) halt() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
}

func (s *SelfCheck) loop(start time.Time) {
	s.mu.Lock()
	stop := s.stop
	s.mu.Unlock()
	timer := time.NewTimer(lagInterval)
	defer timer.Stop()
	next := start.Add(lagInterval)
	for {
		select {
		case <-stop:
			return
		case <-timer.C:
		}
		now := time.Now()
		s.recordLag(now.Sub(next))
		if now.Sub(s.lastT) >= cpuWindow {
			s.recordWindow(now)
		}
		// Deadlines stay on the original grid; a wake-up later than a whole interval skips the missed ones.
		next = next.Add(lagInterval)
		if now.After(next) {
			next = now.Add(lagInterval - now.Sub(next)%lagInterval)
		}
		timer.Reset(time.Until(next))
	}
}

func (s *SelfCheck) recordLag(late time.Duration) {
	if late < 0 {
		late = 0
	}
	b := int(late / lagBucket)
	if b > lagBuckets {
		b = lagBuckets
	}
	s.mu.Lock()
	s.lagCounts[b]++
	s.lagN++
	s.lagSum += late
	if late > s.lagMax {
		s.lagMax = late
	}
	s.mu.Unlock()
}

func (s *SelfCheck) recordWindow(now time.Time) {
	cpu, ok := processCPUSeconds()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wall := now.Sub(s.lastT).Seconds()
	if wall > 0 && len(s.windowCores) < maxWindows {
		s.windowCores = append(s.windowCores, (cpu-s.lastCPU)/wall)
	}
	s.lastCPU, s.lastT = cpu, now
}

// lagQuantile is the upper edge of the bucket holding quantile q, in ms; the caller holds mu.
func (s *SelfCheck) lagQuantile(q float64) float64 {
	if s.lagN == 0 {
		return 0
	}
	target := int64(math.Ceil(q * float64(s.lagN)))
	var acc int64
	for b, c := range s.lagCounts {
		acc += int64(c)
		if acc >= target {
			if b == lagBuckets {
				return ms(s.lagMax)
			}
			return ms(time.Duration(b+1) * lagBucket)
		}
	}
	return ms(s.lagMax)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// SelfCheckSnapshot is the body of GET /v1/selfcheck (src/llm/transport/relay-record.ts).
type SelfCheckSnapshot struct {
	Started     bool    `json:"started"`
	WallSeconds float64 `json:"wallSeconds"`
	// CPUSeconds is user + system CPU of the whole process since sampling started; -1 when unknown.
	CPUSeconds      float64     `json:"cpuSeconds"`
	CPUSecondsTotal float64     `json:"cpuSecondsTotal"`
	GOMAXPROCS      int         `json:"gomaxprocs"`
	NumCPU          int         `json:"numCpu"`
	WindowSeconds   float64     `json:"windowSeconds"`
	WindowCores     []float64   `json:"windowCores"`
	LagIntervalMs   float64     `json:"lagIntervalMs"`
	LagSamples      int64       `json:"lagSamples"`
	LagMeanMs       float64     `json:"lagMeanMs"`
	LagP50Ms        float64     `json:"lagP50Ms"`
	LagP99Ms        float64     `json:"lagP99Ms"`
	LagMaxMs        float64     `json:"lagMaxMs"`
	K6              *K6Snapshot `json:"k6"`
}

// Snapshot reads the figures so far (also before Start, then with Started false).
func (s *SelfCheck) Snapshot() SelfCheckSnapshot {
	cpuNow, ok := processCPUSeconds()
	out := SelfCheckSnapshot{
		GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(),
		WindowSeconds: cpuWindow.Seconds(), LagIntervalMs: ms(lagInterval),
		CPUSeconds: -1, CPUSecondsTotal: -1, WindowCores: []float64{},
	}
	if ok {
		out.CPUSecondsTotal = cpuNow
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started.IsZero() {
		return out
	}
	out.Started = true
	out.WallSeconds = time.Since(s.started).Seconds()
	if ok && s.cpuOK {
		out.CPUSeconds = cpuNow - s.cpuAtStart
	}
	out.WindowCores = append(out.WindowCores, s.windowCores...)
	out.LagSamples = s.lagN
	if s.lagN > 0 {
		out.LagMeanMs = ms(s.lagSum) / float64(s.lagN)
	}
	out.LagP50Ms = s.lagQuantile(0.5)
	out.LagP99Ms = s.lagQuantile(0.99)
	out.LagMaxMs = ms(s.lagMax)
	return out
}
