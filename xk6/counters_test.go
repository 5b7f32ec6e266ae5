package llm

import (
	"sync"
	"testing"
)

func TestCountersAddIsAtomicAcrossGoroutines(t *testing.T) {
	var c Counters
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				c.Add("spend", 0.25)
			}
		}()
	}
	wg.Wait()
	if got := c.Get("spend"); got != 4000 {
		t.Fatalf("spend = %v, want 4000", got)
	}
	if got := c.Get("never-touched"); got != 0 {
		t.Fatalf("untouched counter = %v", got)
	}
}

func TestTryAddNeverOvershootsTheLimit(t *testing.T) {
	var c Counters
	var wg sync.WaitGroup
	wins := make(chan bool, 1600)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				wins <- c.TryAdd("reserved", 1, 500)
			}
		}()
	}
	wg.Wait()
	close(wins)
	won := 0
	for w := range wins {
		if w {
			won++
		}
	}
	if won != 500 || c.Get("reserved") != 500 {
		t.Fatalf("won %d reservations, total %v; want exactly 500", won, c.Get("reserved"))
	}
}
