package main

import (
	"reflect"
	"sync"
	"testing"
)

func f(v float64) *float64 { return &v }

func TestCounterGroupRunsInOrder(t *testing.T) {
	var c Counters
	got := c.Run([]CounterOp{
		{Op: "add", Key: "spend", Delta: f(1.5)},
		{Op: "tryAdd", Key: "reserved", Delta: f(2), Limit: f(10)},
		{Op: "get", Key: "spend"},
		{Op: "check", Key: "spend", Max: f(1.5)},
		{Op: "get", Key: "never"},
	})
	want := GroupResult{OK: true, Failed: -1, Values: []float64{1.5, 2, 1.5, 1.5, 0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestFailedGroupRollsBackEveryChange(t *testing.T) {
	var c Counters
	c.Run([]CounterOp{{Op: "add", Key: "a", Delta: f(5)}})
	got := c.Run([]CounterOp{
		{Op: "add", Key: "a", Delta: f(1)},
		{Op: "add", Key: "fresh", Delta: f(3)},
		{Op: "tryAdd", Key: "b", Delta: f(4), Limit: f(3)},
		{Op: "add", Key: "a", Delta: f(100)},
	})
	want := GroupResult{OK: false, Failed: 2, Values: []float64{6, 3, 0}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	after := c.Run([]CounterOp{{Op: "get", Key: "a"}, {Op: "get", Key: "fresh"}, {Op: "get", Key: "b"}})
	if !reflect.DeepEqual(after.Values, []float64{5, 0, 0}) {
		t.Fatalf("after rollback %v, want [5 0 0]", after.Values)
	}
	if _, kept := c.m["fresh"]; kept {
		t.Fatal("a counter the failed group created survived the rollback")
	}
	// A failing check reports the counter's value after the rollback.
	got = c.Run([]CounterOp{{Op: "add", Key: "a", Delta: f(10)}, {Op: "check", Key: "a", Max: f(12)}})
	if got.OK || got.Failed != 1 || !reflect.DeepEqual(got.Values, []float64{15, 5}) {
		t.Fatalf("check: %+v", got)
	}
}

func TestValidateOps(t *testing.T) {
	for _, tc := range []struct {
		ops  []CounterOp
		want string
	}{
		{[]CounterOp{{Op: "add", Key: "k"}}, "ops[0].delta: required finite number"},
		{[]CounterOp{{Op: "get", Key: "k"}, {Op: "tryAdd", Key: "k", Delta: f(1)}}, "ops[1].limit: required finite number"},
		{[]CounterOp{{Op: "check", Key: "k"}}, "ops[0].max: required finite number"},
		{[]CounterOp{{Op: "mul", Key: "k"}}, `ops[0].op: "mul" is not one of add, get, tryAdd, check`},
		{[]CounterOp{{Op: "get"}}, "ops[0].key: required non-empty string"},
	} {
		err := validateOps(tc.ops, "ops")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%+v: error %v, want %q", tc.ops, err, tc.want)
		}
	}
	if err := validateOps([]CounterOp{{Op: "add", Key: "k", Delta: f(-1)}}, "ops"); err != nil {
		t.Errorf("valid group refused: %v", err)
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
				wins <- c.Run([]CounterOp{{Op: "tryAdd", Key: "reserved", Delta: f(1), Limit: f(500)}}).OK
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
	if got := c.Run([]CounterOp{{Op: "get", Key: "reserved"}}).Values[0]; won != 500 || got != 500 {
		t.Fatalf("won %d reservations, total %v; want exactly 500", won, got)
	}
}
