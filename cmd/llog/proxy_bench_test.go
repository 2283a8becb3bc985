package main

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The proxy's overhead, against the fake upstream called directly, in the
// same process and interleaved call by call so that both see the same
// machine. The proxy records into a real store (redaction on, one fsync
// per batch), as it runs in production. Run with
//
//	go test -run '^$' -bench BenchmarkProxy -count 5 ./cmd/llog
//
// and take the medians. Client, proxy and upstream share the machine's
// cores, so the added time includes the proxy's share of the CPU.

// benchChat is a typical small chat request, about 1 KiB.
var benchChat = `{"model":"qwen2.5","messages":[{"role":"system","content":"You are a helpful assistant on a factory floor."},` +
	`{"role":"user","content":"` + strings.Repeat("Summarise the maintenance log of line 3. ", 20) + `"}],"temperature":0.2,"max_tokens":256`

// benchStream is a streamed chat whose answer comes in 8 events: what is
// timed is the first, not the fake's speed at writing many.
var benchStream = `{"model":"qwen2.5","messages":[{"role":"system","content":"You are a helpful assistant on a factory floor."},` +
	`{"role":"user","content":"Is line 3 running?"}],"stream":true}`

var benchClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}

// timeWhole times one non-streamed chat call to base: request sent to
// answer read.
func timeWhole(b *testing.B, base string) time.Duration {
	start := time.Now()
	resp, err := benchClient.Post(base+"/v1/chat/completions", "application/json", strings.NewReader(benchChat+"}"))
	if err != nil {
		b.Fatal(err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("%s: %d %v", base, resp.StatusCode, err)
	}
	return time.Since(start)
}

// timeFirstToken times a streamed chat call to base: request sent to the
// first event with text read (the second event: the first carries the
// role only). The rest is read, untimed.
func timeFirstToken(b *testing.B, base string) time.Duration {
	start := time.Now()
	resp, err := benchClient.Post(base+"/v1/chat/completions", "application/json", strings.NewReader(benchStream))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	var first time.Duration
	for events := 0; events < 2; {
		line, err := br.ReadString('\n')
		if err != nil {
			b.Fatalf("%s: %v", base, err)
		}
		if line == "\n" {
			events++
		}
	}
	first = time.Since(start)
	io.Copy(io.Discard, br)
	return first
}

func quantile(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// reportAdded reports the p50 and p99 of the three series and what the
// bare reverse proxy and llog proxy add to the direct calls.
func reportAdded(b *testing.B, what string, direct, bare, proxied []time.Duration) {
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	for _, q := range []struct {
		name string
		q    float64
	}{{"p50", 0.50}, {"p99", 0.99}} {
		d, r, p := quantile(direct, q.q), quantile(bare, q.q), quantile(proxied, q.q)
		b.ReportMetric(us(d), what+"-direct-"+q.name+"-µs")
		b.ReportMetric(us(r-d), what+"-bare-added-"+q.name+"-µs")
		b.ReportMetric(us(p-d), what+"-added-"+q.name+"-µs")
	}
}

// benchPairs times calls to the upstream directly, through a bare reverse
// proxy and through llog proxy, one of each per iteration, after warming
// the connections, and reports what the proxies add.
func benchPairs(b *testing.B, what string, timeCall func(*testing.B, string) time.Duration) {
	up := newFakeUpstream(b)
	p := startProxy(b, up.URL)
	bare := startBareProxy(b, up.URL)
	for range 50 {
		timeCall(b, up.URL)
		timeCall(b, bare)
		timeCall(b, p.url)
	}
	var direct, bared, proxied []time.Duration
	b.ResetTimer()
	for b.Loop() {
		direct = append(direct, timeCall(b, up.URL))
		bared = append(bared, timeCall(b, bare))
		proxied = append(proxied, timeCall(b, p.url))
	}
	b.StopTimer()
	reportAdded(b, what, direct, bared, proxied)
}

// BenchmarkProxyLatency: added latency of a non-streamed call, one client.
func BenchmarkProxyLatency(b *testing.B) { benchPairs(b, "latency", timeWhole) }

// BenchmarkProxyFirstToken: added time to first token of a streamed call,
// one client.
func BenchmarkProxyFirstToken(b *testing.B) { benchPairs(b, "ttft", timeFirstToken) }

// startBareProxy starts a plain httputil.ReverseProxy to upstream, as the
// proxy configures it but recording nothing: the cost of the HTTP hop
// alone. Its request bodies get the proxy's guard against golang/go#40747
// (see capture), without which it cuts an answer now and then.
func startBareProxy(b *testing.B, upstream string) string {
	u, err := url.Parse(upstream)
	if err != nil {
		b.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableCompression, tr.MaxIdleConnsPerHost = true, 64
	srv := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		if pr.Out.Body != nil {
			pr.Out.Body = &capture{rc: pr.Out.Body}
		}
	}, Transport: tr, FlushInterval: -1, ErrorLog: discardLog})
	b.Cleanup(srv.Close)
	return srv.URL
}

// BenchmarkProxyConcurrent: requests/s of non-streamed calls with 16
// concurrent clients, directly, through a bare reverse proxy and through
// llog proxy, in alternating rounds of 16×20 calls each.
func BenchmarkProxyConcurrent(b *testing.B) {
	const clients, perClient = 16, 20
	up := newFakeUpstream(b)
	p := startProxy(b, up.URL)
	bare := startBareProxy(b, up.URL)
	round := func(base string) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for range perClient {
					timeWhole(b, base)
				}
			})
		}
		wg.Wait()
		return time.Since(start)
	}
	round(up.URL)
	round(bare)
	round(p.url)
	var direct, bared, proxied time.Duration
	b.ResetTimer()
	for b.Loop() {
		direct += round(up.URL)
		bared += round(bare)
		proxied += round(p.url)
	}
	b.StopTimer()
	n := float64(b.N * clients * perClient)
	b.ReportMetric(n/direct.Seconds(), "direct-req/s")
	b.ReportMetric(n/bared.Seconds(), "bare-req/s")
	b.ReportMetric(n/proxied.Seconds(), "proxy-req/s")
	b.ReportMetric(direct.Seconds()/proxied.Seconds(), "proxy/direct")
	b.ReportMetric(bared.Seconds()/proxied.Seconds(), "proxy/bare")
}
