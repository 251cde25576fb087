// Synthetic traffic of an instrumented app, as Prometheus text with explicit
// timestamps for /api/v1/import/prometheus: the SDK's HTTP metrics for a few
// routes (a classic-bucket latency histogram and request counters), so the
// dashboard's routes, route page and app charts have data to show.

const ROUTES = [
  { route: '/api/users/:id', method: 'GET', rps: 40, median: 0.012, errors: 0.002, cacheHit: 0.85 },
  { route: '/api/orders', method: 'POST', rps: 12, median: 0.09, errors: 0.02, cacheHit: -1 },
  { route: '/api/search', method: 'GET', rps: 25, median: 0.35, errors: 0.004, cacheHit: 0.4 },
];
const LES = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const H = 'http_server_request_duration_seconds';

/** Share of a log-normal latency distribution (median m, σ = 0.6) at or below le. */
function cdf(le: number, m: number): number {
  const z = Math.log(le / m) / 0.6;
  // Abramowitz–Stegun approximation of the normal CDF.
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const d = 0.3989423 * Math.exp((-z * z) / 2);
  const p = d * t * (0.3193815 + t * (-0.3565638 + t * (1.781478 + t * (-1.821256 + t * 1.330274))));
  return z > 0 ? 1 - p : p;
}

/**
 * Text for [startMs, endMs] every stepMs; counters start at zero at startMs.
 * Only points at or after `emitFromMs` are written, so a later call continues
 * the same counters.
 */
export function appTrafficText(startMs: number, endMs: number, stepMs: number, emitFromMs = startMs): string {
  const lines: string[] = [`# TYPE ${H} histogram`, '# TYPE http_server_requests_total counter'];
  for (const r of ROUTES) {
    const statuses = [
      { code: '200', share: 1 - r.errors },
      { code: '500', share: r.errors },
    ];
    const caches =
      r.cacheHit < 0
        ? [{ cache: '', share: 1 }]
        : [
            { cache: 'hit', share: r.cacheHit },
            { cache: 'miss', share: 1 - r.cacheHit },
          ];
    for (const s of statuses) {
      for (const c of caches) {
        const labels = `route="${r.route}",method="${r.method}",status_code="${s.code}"${c.cache ? `,cache="${c.cache}"` : ''}`;
        let count = 0;
        let sum = 0;
        // Buckets accumulate each step's requests by that step's latency
        // distribution, so every bucket is a proper (never decreasing) counter.
        const buckets = LES.map(() => 0);
        for (let t = startMs; t <= endMs; t += stepMs) {
          // Daily rhythm plus a slow wobble, so charts have a shape.
          const rhythm = 1 + 0.5 * Math.sin((t / 86_400_000) * 2 * Math.PI) + 0.1 * Math.sin(t / 600_000);
          const n = r.rps * rhythm * s.share * c.share * (stepMs / 1000);
          const median = r.median * (1 + 0.3 * Math.sin(t / 1_800_000));
          count += n;
          sum += n * median * 1.2;
          for (let b = 0; b < LES.length; b++) buckets[b] += n * cdf(LES[b], median);
          if (t < emitFromMs) continue;
          for (let b = 0; b < LES.length; b++) {
            lines.push(`${H}_bucket{${labels},le="${LES[b]}"} ${buckets[b].toFixed(3)} ${t}`);
          }
          lines.push(`${H}_bucket{${labels},le="+Inf"} ${count.toFixed(3)} ${t}`);
          lines.push(`${H}_count{${labels}} ${count.toFixed(3)} ${t}`);
          lines.push(`${H}_sum{${labels}} ${sum.toFixed(4)} ${t}`);
          lines.push(`http_server_requests_total{${labels}} ${count.toFixed(3)} ${t}`);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export const TRAFFIC_ROUTES = ROUTES.map((r) => ({ route: r.route, method: r.method }));

/** Imports the traffic into a running sonde; resolves with the number of samples stored. */
export async function importAppTraffic(
  url: string,
  startMs: number,
  endMs: number,
  stepMs: number,
): Promise<number> {
  const res = await fetch(`${url}/api/v1/import/prometheus`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: appTrafficText(startMs, endMs, stepMs),
  });
  const body = (await res.json()) as { samples?: number; error?: string };
  if (!res.ok) throw new Error(`import failed: ${res.status} ${body.error ?? JSON.stringify(body)}`);
  return body.samples ?? 0;
}
