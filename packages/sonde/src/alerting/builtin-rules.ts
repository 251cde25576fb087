// The alerts sonde ships with, for the host (node_exporter metric names, as
// sonde's collectors write them) and for apps instrumented with @sonde/sdk.
// Each has a summary and a runbook a person can act on; each can be switched
// off by name (alerting.builtin_rules.disabled) or all at once.
import { parseRuleText, type GroupSpec } from './rules/file.js';

/** The file name built-in groups carry (never a real path). */
export const BUILTIN_FILE = '<builtin>';

const HOST = `
groups:
  - name: sonde-host
    rules:
      - alert: HostDiskWillFillIn4Hours
        expr: |
          predict_linear(node_filesystem_avail_bytes{fstype!~"tmpfs|ramfs|overlay|squashfs|nsfs"}[6h], 4 * 3600) < 0
          and node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.2
          and node_filesystem_readonly == 0
        for: 30m
        labels:
          severity: warning
        annotations:
          summary: 'Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} will be full within 4 hours at its current rate.'
          runbook: >-
            Find what is writing: \`du -xh --max-depth=2 {{ $labels.mountpoint }} | sort -h | tail\` and
            \`ls -lt\` in the biggest directories; check log rotation and runaway temp files.
            Free space or grow the volume before it fills: a full disk stops databases and logging.
      - alert: HostMemoryPressure
        expr: node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.10
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'Only {{ $value | humanizePercentage }} of memory is available on {{ $labels.instance }}.'
          runbook: >-
            Find the largest processes (\`ps aux --sort=-rss | head\`) and whether one is growing (a leak)
            or the host is simply too small. The kernel's OOM killer will end a process if this continues;
            check \`dmesg | grep -i oom\` for earlier kills.
      - alert: HostCpuSaturated
        expr: 1 - avg without (cpu) (rate(node_cpu_seconds_total{mode="idle"}[5m])) > 0.9
        for: 15m
        labels:
          severity: warning
        annotations:
          summary: 'CPU on {{ $labels.instance }} has been {{ $value | humanizePercentage }} busy for 15 minutes.'
          runbook: >-
            See which processes use it (\`top -o %CPU\`, or sonde's process view). Sustained saturation
            adds latency to everything on the host: scale out, move work off it, or profile the top consumer
            (\`sonde profile\` for Node.js services).
      - alert: HostClockSkew
        expr: |
          (node_timex_offset_seconds > 0.05 and deriv(node_timex_offset_seconds[5m]) >= 0)
          or (node_timex_offset_seconds < -0.05 and deriv(node_timex_offset_seconds[5m]) <= 0)
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: 'The clock on {{ $labels.instance }} is off by {{ humanizeDuration $value }} and not converging.'
          runbook: >-
            Check time synchronisation: \`timedatectl status\` and \`chronyc tracking\` (or \`ntpq -p\`).
            Make sure an NTP service runs and can reach its servers. Skewed clocks break TLS, token expiry
            and the ordering of logs and metrics.
      - alert: SondeCollectorFailing
        expr: sonde_collector_success == 0
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "sonde's {{ $labels.collector }} collector has been failing for 5 minutes."
          runbook: >-
            sonde logs the collector's error once per distinct error: look for the collector's name in
            sonde's log. Usually a permission (run with access to /proc and /sys) or a missing kernel feature;
            switch the collector off with collect.disabled if the host cannot provide it.
`;

const APPS = `
groups:
  - name: sonde-apps
    rules:
      - alert: AppLatencyP95Regression
        expr: |
          histogram_quantile(0.95, sum by (job, route, le) (rate(http_server_request_duration_seconds_bucket[10m])))
            > 1.5 * histogram_quantile(0.95, sum by (job, route, le) (rate(http_server_request_duration_seconds_bucket[10m] offset 1d)))
          and histogram_quantile(0.95, sum by (job, route, le) (rate(http_server_request_duration_seconds_bucket[10m]))) > 0.1
          and sum by (job, route) (rate(http_server_requests_total[10m])) > 0.1
        for: 15m
        labels:
          severity: warning
        annotations:
          summary: 'P95 latency of {{ $labels.route }} ({{ $labels.job }}) is {{ humanizeDuration $value }}, over 1.5× the same time yesterday.'
          runbook: >-
            Compare the route before and after: \`sonde analyze --query\` on its duration, and look for a
            deployment, a slower dependency (database, upstream API) or more load in the same window.
            Roll back a recent deployment if it lines up.
      - alert: AppErrorRateSpike
        expr: |
          sum by (job, route) (rate(http_server_requests_total{status_code=~"5.."}[5m]))
            / sum by (job, route) (rate(http_server_requests_total[5m])) > 0.05
          and sum by (job, route) (rate(http_server_requests_total[5m])) > 0.1
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: '{{ $value | humanizePercentage }} of requests to {{ $labels.route }} ({{ $labels.job }}) fail with 5xx.'
          runbook: >-
            Read the service's error logs for this route first; then check its dependencies and recent
            deployments. If one instance alone fails, take it out of rotation.
      - alert: AppEventLoopLag
        expr: avg_over_time(nodejs_eventloop_lag_seconds[5m]) > 0.2
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: 'The event loop of {{ $labels.job }} {{ $labels.instance }} lags {{ humanizeDuration $value }} on average.'
          runbook: >-
            Something blocks the event loop: synchronous work (JSON of large bodies, crypto, regexes,
            sync file I/O) or GC pressure. Capture a CPU profile with \`sonde profile\` and look for long
            synchronous frames; move heavy work to worker threads.
`;

/** The built-in rule groups, without the alerts named in `disabled`. */
export function builtinGroups(disabled: readonly string[] = []): GroupSpec[] {
  const off = new Set(disabled);
  const groups: GroupSpec[] = [];
  for (const text of [HOST, APPS]) {
    const parsed = parseRuleText(text, BUILTIN_FILE);
    if (parsed.problems.length) {
      throw new Error(`built-in rules are invalid: ${parsed.problems.map((p) => p.message).join('; ')}`);
    }
    for (const g of parsed.groups) groups.push({ ...g, rules: g.rules.filter((r) => !off.has(r.name)) });
  }
  return groups.filter((g) => g.rules.length > 0);
}

/** Every built-in alert's name, for validating `disabled` lists. */
export function builtinRuleNames(): string[] {
  return builtinGroups().flatMap((g) => g.rules.map((r) => r.name));
}
