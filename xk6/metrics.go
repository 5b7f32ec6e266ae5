package llm

import (
	"context"
	"net/url"
	"strconv"

	"go.k6.io/k6/lib"
	"go.k6.io/k6/lib/netext/httpext"
	"go.k6.io/k6/metrics"
)

// emitHTTPMetrics pushes k6's standard http_req_* samples for a streamed request, tagged the way
// k6/http tags them, so dashboards and thresholds treat both alike.
func emitHTTPMetrics(ctx context.Context, state *lib.State, trail *httpext.Trail, req Request, res *Result, userTags map[string]string) {
	tam := state.Tags.GetCurrentValues()
	for k, v := range userTags {
		tam.SetTag(k, v)
	}
	enabled := state.Options.SystemTags
	clean := cleanURL(req.URL)
	if name, ok := tam.Tags.Get(metrics.TagName.String()); ok {
		tam.SetSystemTagOrMetaIfEnabled(enabled, metrics.TagURL, name)
	} else {
		tam.SetSystemTagOrMetaIfEnabled(enabled, metrics.TagName, clean)
		tam.SetSystemTagOrMetaIfEnabled(enabled, metrics.TagURL, clean)
	}
	tam.SetSystemTagOrMetaIfEnabled(enabled, metrics.TagMethod, req.Method)
	tam.SetSystemTagOrMetaIfEnabled(enabled, metrics.TagStatus, strconv.Itoa(res.Status))
	if res.Proto != "" {
		tam.SetSystemTagOrMetaIfEnabled(enabled, metrics.TagProto, res.Proto)
	}
	if res.Status >= 400 {
		tam.SetSystemTagOrMetaIfEnabled(enabled, metrics.TagErrorCode, strconv.Itoa(1000+res.Status))
	}
	expected := res.Err == nil && res.Status >= 200 && res.Status < 400
	tam.SetSystemTagOrMetaIfEnabled(enabled, metrics.TagExpectedResponse, strconv.FormatBool(expected))

	trail.SaveSamples(state.BuiltinMetrics, &tam)
	failed := 0.0
	if !expected {
		failed = 1
	}
	trail.Samples = append(trail.Samples, metrics.Sample{
		TimeSeries: metrics.TimeSeries{Metric: state.BuiltinMetrics.HTTPReqFailed, Tags: tam.Tags},
		Time:       trail.EndTime,
		Metadata:   tam.Metadata,
		Value:      failed,
	})
	metrics.PushIfNotDone(ctx, state.Samples, trail)
}

// cleanURL drops credentials from a URL before it becomes a tag.
func cleanURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "invalid-url"
	}
	if u.User != nil {
		u.User = url.User("****")
	}
	return u.String()
}
