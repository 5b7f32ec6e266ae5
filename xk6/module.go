// Package llm is the k6 extension k6/x/llm: streaming HTTP with per-event Go-side timestamps,
// sent through the VU's own k6 transport, and counters shared by all VUs of a k6 process.
package llm

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptrace"
	"os"
	"strings"
	"time"

	"github.com/grafana/sobek"
	"go.k6.io/k6/js/common"
	"go.k6.io/k6/js/modules"
	"go.k6.io/k6/lib"
	"go.k6.io/k6/lib/netext/httpext"
	"go.k6.io/k6/lib/types"
)

func init() {
	modules.Register("k6/x/llm", New())
}

// DefaultTimeout matches k6/http's default request timeout.
const DefaultTimeout = 60 * time.Second

// RootModule is created once per k6 process; it owns the process-wide counters.
type RootModule struct {
	counters  *Counters
	selfCheck *SelfCheck
}

// New returns the root module with an empty counter set.
func New() *RootModule { return &RootModule{counters: &Counters{}, selfCheck: &SelfCheck{}} }

// NewModuleInstance binds the module to one VU.
func (r *RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	return &ModuleInstance{vu: vu, counters: r.counters, selfCheck: r.selfCheck}
}

// ModuleInstance is the per-VU face of the module.
type ModuleInstance struct {
	vu        modules.VU
	counters  *Counters
	selfCheck *SelfCheck
}

// Exports lists the functions scripts can import from k6/x/llm.
func (mi *ModuleInstance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{
		"stream":        mi.stream,
		"counterAdd":    mi.counterAdd,
		"counterTryAdd": mi.counterTryAdd,
		"counterGet":    mi.counters.Get,
		"instanceShare": mi.instanceShare,
		"mkdirAll":      mi.mkdirAll,
		"selfCheck":     mi.selfCheckJS,
		"cpuSeconds":    mi.cpuSeconds,
	}}
}

type streamParams struct {
	header      http.Header
	tags        map[string]string
	timeout     time.Duration
	idleTimeout time.Duration
	throw       bool
}

func (mi *ModuleInstance) stream(method, url string, body sobek.Value, params sobek.Value) sobek.Value {
	rt := mi.vu.Runtime()
	state := mi.vu.State()
	if state == nil {
		common.Throw(rt, errors.New("llm.stream() cannot be called in the init context: call it from default(), setup() or teardown()"))
	}
	p, err := parseParams(rt, params)
	if err != nil {
		common.Throw(rt, err)
	}
	payload, err := bodyBytes(body)
	if err != nil {
		common.Throw(rt, err)
	}
	req := Request{
		Method: strings.ToUpper(method), URL: url, Body: payload, Header: p.header,
		Timeout: p.timeout, IdleTimeout: p.idleTimeout,
	}

	ctx := mi.vu.Context()
	if state.RPSLimit != nil {
		if err := state.RPSLimit.Wait(ctx); err != nil {
			return mi.toJS(&Result{Timings: Timings{-1, -1, -1}, Err: &StreamError{CatAborted, err.Error()}})
		}
	}
	// The process's self-check samples from the first request on (VU init is not load).
	mi.selfCheck.Start()
	tracer := &httpext.Tracer{}
	res := Do(httptrace.WithClientTrace(ctx, tracer.Trace()), state.Transport, req)
	emitHTTPMetrics(ctx, state, tracer.Done(), req, res, p.tags)

	if res.Err != nil && (p.throw || state.Options.Throw.Bool) {
		common.Throw(rt, res.Err)
	}
	return mi.toJS(res)
}

func bodyBytes(v sobek.Value) ([]byte, error) {
	if common.IsNullish(v) {
		return nil, nil
	}
	switch b := v.Export().(type) {
	case string:
		return []byte(b), nil
	case sobek.ArrayBuffer:
		return b.Bytes(), nil
	}
	return nil, fmt.Errorf("llm.stream(): body must be a string, an ArrayBuffer, null or undefined, not %s (JSON.stringify objects first)", v.ExportType())
}

func parseParams(rt *sobek.Runtime, v sobek.Value) (streamParams, error) {
	p := streamParams{header: http.Header{}, timeout: DefaultTimeout}
	if common.IsNullish(v) {
		return p, nil
	}
	obj := v.ToObject(rt)
	for _, key := range obj.Keys() {
		val := obj.Get(key)
		if common.IsNullish(val) {
			continue
		}
		switch key {
		case "headers":
			m, err := stringMap(rt, val, "headers")
			if err != nil {
				return p, err
			}
			for k, hv := range m {
				p.header.Set(k, hv)
			}
		case "tags":
			m, err := stringMap(rt, val, "tags")
			if err != nil {
				return p, err
			}
			p.tags = m
		case "timeout", "idleTimeout":
			d, err := types.GetDurationValue(val.Export())
			if err != nil || d < 0 {
				return p, fmt.Errorf("llm.stream(): params.%s must be a duration in ms or a string like \"30s\", got %q", key, val.String())
			}
			if key == "timeout" {
				p.timeout = d
			} else {
				p.idleTimeout = d
			}
		case "throw":
			p.throw = val.ToBoolean()
		default:
			return p, fmt.Errorf("llm.stream(): unknown param %q (known: headers, tags, timeout, idleTimeout, throw)", key)
		}
	}
	return p, nil
}

func stringMap(rt *sobek.Runtime, v sobek.Value, name string) (map[string]string, error) {
	if _, ok := v.Export().(map[string]any); !ok {
		return nil, fmt.Errorf("llm.stream(): params.%s must be an object of strings", name)
	}
	obj := v.ToObject(rt)
	m := make(map[string]string, len(obj.Keys()))
	for _, k := range obj.Keys() {
		m[k] = obj.Get(k).String()
	}
	return m, nil
}

func (mi *ModuleInstance) toJS(res *Result) sobek.Value {
	rt := mi.vu.Runtime()
	o := rt.NewObject()
	must := func(err error) {
		if err != nil {
			common.Throw(rt, err)
		}
	}
	must(o.Set("status", res.Status))
	must(o.Set("proto", res.Proto))
	headers := rt.NewObject()
	for k, vs := range res.Header {
		must(headers.Set(k, strings.Join(vs, ", ")))
	}
	must(o.Set("headers", headers))
	must(o.Set("sse", res.SSE))
	events := make([]any, len(res.Events))
	for i, e := range res.Events {
		eo := rt.NewObject()
		must(eo.Set("t", e.T))
		must(eo.Set("event", e.Event.Event))
		must(eo.Set("id", e.ID))
		must(eo.Set("data", e.Data))
		events[i] = eo
	}
	must(o.Set("events", rt.NewArray(events...)))
	if !res.SSE && res.Body != nil {
		must(o.Set("body", string(res.Body)))
	}
	timings := rt.NewObject()
	must(timings.Set("headers", res.Timings.Headers))
	must(timings.Set("firstByte", res.Timings.FirstByte))
	must(timings.Set("end", res.Timings.End))
	sentAt := sobek.Null()
	if !res.SentAt.IsZero() {
		sentAt = rt.ToValue(float64(res.SentAt.UnixNano()) / 1e6)
	}
	must(timings.Set("sentAt", sentAt))
	must(o.Set("timings", timings))
	if res.Err != nil {
		eo := rt.NewObject()
		must(eo.Set("category", res.Err.Category))
		must(eo.Set("message", res.Err.Message))
		must(o.Set("error", eo))
	}
	return o
}

func (mi *ModuleInstance) counterAdd(name string, delta float64) float64 {
	mi.checkFinite("counterAdd", delta)
	return mi.counters.Add(name, delta)
}

func (mi *ModuleInstance) counterTryAdd(name string, delta, limit float64) bool {
	mi.checkFinite("counterTryAdd", delta)
	if math.IsNaN(limit) {
		common.Throw(mi.vu.Runtime(), errors.New("llm.counterTryAdd(): limit must be a number"))
	}
	return mi.counters.TryAdd(name, delta, limit)
}

func (mi *ModuleInstance) checkFinite(fn string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		common.Throw(mi.vu.Runtime(), fmt.Errorf("llm.%s(): delta must be a finite number, got %v", fn, v))
	}
}

// instanceShare returns the test-wide VU ids in [1, total] that this k6 instance owns under its
// execution segment, in the order k6 hands them to its VUs. Instances of one run get disjoint
// shares whose union is 1..total, so each can provision exactly the users its VUs will be.
func (mi *ModuleInstance) instanceShare(total int64) []int64 {
	rt := mi.vu.Runtime()
	state := mi.vu.State()
	if state == nil {
		common.Throw(rt, errors.New("llm.instanceShare() cannot be called in the init context: call it from setup()"))
	}
	if total < 0 {
		common.Throw(rt, fmt.Errorf("llm.instanceShare(): total must be >= 0, got %d", total))
	}
	share, err := segmentShare(state.Options.ExecutionSegment, state.Options.ExecutionSegmentSequence, total)
	if err != nil {
		common.Throw(rt, err)
	}
	return share
}

func segmentShare(seg *lib.ExecutionSegment, seq *lib.ExecutionSegmentSequence, total int64) ([]int64, error) {
	et, err := lib.NewExecutionTuple(seg, seq)
	if err != nil {
		return nil, fmt.Errorf("llm.instanceShare(): %w", err)
	}
	idx := lib.NewSegmentedIndex(et)
	share := []int64{}
	for {
		_, id := idx.Next()
		if id > total {
			return share, nil
		}
		share = append(share, id)
	}
}

// mkdirAll creates a directory and its parents: handleSummary can write files but not folders,
// and reports go to results/<run id>/.
func (mi *ModuleInstance) mkdirAll(path string) {
	if path == "" {
		common.Throw(mi.vu.Runtime(), errors.New("llm.mkdirAll(): path must not be empty"))
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		common.Throw(mi.vu.Runtime(), fmt.Errorf("llm.mkdirAll(): %w", err))
	}
}
