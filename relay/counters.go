package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
)

// CounterOp is one operation of an atomic counter group (docs/relay.md, POST /v1/counters).
type CounterOp struct {
	Op    string   `json:"op"`
	Key   string   `json:"key"`
	Delta *float64 `json:"delta"`
	Limit *float64 `json:"limit"`
	Max   *float64 `json:"max"`
}

// GroupResult is what an atomic group did: all ops ran (Failed -1), or op Failed refused and every change was rolled back.
type GroupResult struct {
	OK     bool      `json:"ok"`
	Failed int       `json:"failed"`
	Values []float64 `json:"values"`
}

// Counters are one session's float64 values. A single lock makes each group atomic: the budget
// ledger reserves and checks several keys at once, and no other VU may see half of that.
type Counters struct {
	mu sync.Mutex
	m  map[string]float64
}

// validateOps checks every op before any runs, so a malformed group never changes a counter.
func validateOps(ops []CounterOp, field string) error {
	for i, op := range ops {
		at := fmt.Sprintf("%s[%d]", field, i)
		if op.Key == "" {
			return fmt.Errorf("%s.key: required non-empty string", at)
		}
		var need []string
		switch op.Op {
		case "add":
			need = []string{"delta"}
		case "get":
		case "tryAdd":
			need = []string{"delta", "limit"}
		case "check":
			need = []string{"max"}
		default:
			return fmt.Errorf("%s.op: %q is not one of add, get, tryAdd, check", at, op.Op)
		}
		for _, name := range need {
			v := map[string]*float64{"delta": op.Delta, "limit": op.Limit, "max": op.Max}[name]
			if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
				return fmt.Errorf("%s.%s: required finite number", at, name)
			}
		}
	}
	return nil
}

// Run applies a validated group atomically, rolling back every change when an op fails.
func (c *Counters) Run(ops []CounterOp) GroupResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]float64{}
	}
	res := GroupResult{OK: true, Failed: -1, Values: make([]float64, 0, len(ops))}
	type saved struct {
		v      float64
		exists bool
	}
	var undo map[string]saved
	set := func(k string, v float64) {
		if undo == nil {
			undo = map[string]saved{}
		}
		if _, done := undo[k]; !done {
			old, ok := c.m[k]
			undo[k] = saved{old, ok}
		}
		c.m[k] = v
	}
	for i, op := range ops {
		cur := c.m[op.Key]
		switch op.Op {
		case "add":
			cur += *op.Delta
			set(op.Key, cur)
		case "tryAdd":
			if cur+*op.Delta > *op.Limit {
				res.OK, res.Failed = false, i
			} else {
				cur += *op.Delta
				set(op.Key, cur)
			}
		case "check":
			if cur > *op.Max {
				res.OK, res.Failed = false, i
			}
		}
		if !res.OK {
			for k, s := range undo {
				if s.exists {
					c.m[k] = s.v
				} else {
					delete(c.m, k)
				}
			}
			res.Values = append(res.Values, c.m[op.Key])
			return res
		}
		res.Values = append(res.Values, cur)
	}
	return res
}

// CounterEntry is one counter of a listing.
type CounterEntry struct {
	Key   string  `json:"key"`
	Value float64 `json:"value"`
}

// List returns the counters whose key starts with prefix, largest value first (then by key), at most limit of
// them, and how many matched: the reports read tallies such as the run's error messages this way.
func (c *Counters) List(prefix string, limit int) ([]CounterEntry, int) {
	c.mu.Lock()
	out := make([]CounterEntry, 0)
	for k, v := range c.m {
		if strings.HasPrefix(k, prefix) {
			out = append(out, CounterEntry{k, v})
		}
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Value != out[j].Value {
			return out[i].Value > out[j].Value
		}
		return out[i].Key < out[j].Key
	})
	total := len(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, total
}
