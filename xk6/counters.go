package llm

import (
	"math"
	"sync"
	"sync/atomic"
)

// Counters are float64 values shared by every VU of one k6 process, updated atomically.
// The budget ledger keeps spend and reservations here so that concurrent VUs see one total.
type Counters struct {
	m sync.Map // name -> *atomic.Uint64 holding float64 bits
}

func (c *Counters) cell(name string) *atomic.Uint64 {
	if v, ok := c.m.Load(name); ok {
		return v.(*atomic.Uint64)
	}
	v, _ := c.m.LoadOrStore(name, new(atomic.Uint64))
	return v.(*atomic.Uint64)
}

// Add adds delta to the named counter and returns the new value.
func (c *Counters) Add(name string, delta float64) float64 {
	cell := c.cell(name)
	for {
		old := cell.Load()
		next := math.Float64frombits(old) + delta
		if cell.CompareAndSwap(old, math.Float64bits(next)) {
			return next
		}
	}
}

// TryAdd adds delta only if the result stays at or below limit; it reports whether it did.
// This is the reservation primitive: many VUs racing for the last of a budget cannot all win.
func (c *Counters) TryAdd(name string, delta, limit float64) bool {
	cell := c.cell(name)
	for {
		old := cell.Load()
		next := math.Float64frombits(old) + delta
		if next > limit {
			return false
		}
		if cell.CompareAndSwap(old, math.Float64bits(next)) {
			return true
		}
	}
}

// Get returns the named counter's value (0 if it was never touched).
func (c *Counters) Get(name string) float64 {
	if v, ok := c.m.Load(name); ok {
		return math.Float64frombits(v.(*atomic.Uint64).Load())
	}
	return 0
}
