// One route: latency percentiles over time, a latency heatmap, throughput,
// errors by status, cache effectiveness, and this week against last week.
import { ChartPanel } from '../components/ChartPanel';
import { Heatmap } from '../components/Heatmap';
import { TimeRangePicker, rangeFromParams } from '../components/TimeRange';
import { setParams, useLocation } from '../lib/router';
import { routeSel } from '../lib/queries';

const H = 'http_server_request_duration_seconds';

export function RoutePage() {
  const loc = useLocation();
  const route = decodeURIComponent(loc.path.slice('/routes/'.length));
  const method = loc.params.get('method') ?? undefined;
  const sel = routeSel(route, method);
  const range = rangeFromParams(loc.params, '1h');
  const w = range.windowMs > 6 * 3_600_000 ? '5m' : '1m';
  const q = (p: number) => `histogram_quantile(${p}, sum by (le) (rate(${H}_bucket{${sel}}[${w}])))`;
  const common = {
    windowMs: range.windowMs,
    end: range.end,
    onZoom: (from: number, to: number) => setParams({ from: String(from), to: String(to), range: undefined }),
  };
  return (
    <section class="page" aria-labelledby="page-h">
      <div class="page-head">
        <div>
          <p>
            <a href="/routes">← Routes</a>
          </p>
          <h1 id="page-h" class="mono">
            {method && <span class="muted">{method} </span>}
            {route}
          </h1>
        </div>
      </div>
      <TimeRangePicker params={loc.params} onChange={(x) => setParams(x)} />
      <div class="grid wide">
        <ChartPanel
          title="Latency percentiles"
          unit="seconds"
          queries={[q(0.5), q(0.95), q(0.99)]}
          name={(l) => ['p50', 'p95', 'p99'][Number(l.__q)]}
          {...common}
        />
        <section class="panel">
          <Heatmap metric={H} sel={sel} windowMs={range.windowMs} end={range.end} />
        </section>
        <ChartPanel
          title="Throughput"
          unit="/s"
          queries={[`sum(rate(${H}_count{${sel}}[${w}]))`]}
          name={() => 'requests/s'}
          fill
          {...common}
        />
        <ChartPanel
          title="Responses by status"
          unit="/s"
          queries={[`sum by (status_code) (rate(${H}_count{${sel}}[${w}]))`]}
          name={(l) => l.status_code ?? '?'}
          {...common}
        />
        <ChartPanel
          title="Cache hit rate"
          unit="ratio"
          queries={[
            `sum(rate(${H}_count{${sel}, cache="hit"}[${w}])) / sum(rate(${H}_count{${sel}, cache=~"hit|miss"}[${w}]))`,
          ]}
          name={() => 'hits'}
          yMax={1}
          empty={<p class="muted">This route does not mark cache hits or misses (the SDK's cache label).</p>}
          {...common}
        />
        <ChartPanel
          title="P95 latency: this week vs last week"
          unit="seconds"
          queries={[q(0.95), `${q(0.95).replace(/\[(\d+m)\]/, '[$1] offset 7d')}`]}
          name={(l) => (l.__q === '0' ? 'this week' : 'same time last week')}
          {...common}
          live={false}
        />
        <ChartPanel
          title="Throughput: this week vs last week"
          unit="/s"
          queries={[`sum(rate(${H}_count{${sel}}[${w}]))`, `sum(rate(${H}_count{${sel}}[${w}] offset 7d))`]}
          name={(l) => (l.__q === '0' ? 'this week' : 'same time last week')}
          {...common}
          live={false}
        />
      </div>
    </section>
  );
}
