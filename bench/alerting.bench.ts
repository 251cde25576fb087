// Alerting: 1,000 alerting rules over 10,000 series, evaluated every 15 s,
// sonde beside Prometheus 2.42 running the same rule file, in one run.
//   sonde (real PromQL engine over the embedded store): CPU per evaluation round
//     (process.cpuUsage) and its share of one core at a 15 s interval;
//   sonde (scripted engine): the alerting stage's own cost per round, queries excluded;
//   Prometheus: the same rules over the same 10,000 series (scraped from this process
//     every 15 s): rule-evaluation time per round from its own
//     prometheus_rule_group_last_duration_seconds, and its process CPU per 15 s;
//   notification latency: from the evaluation that makes an alert fire to the webhook
//     receiving it (group_wait 0), median and p95.
// Target (issue #8): < 25% of one core per 15 s round; notified within one interval + group_wait.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createAlerting } from '../packages/sonde/src/alerting/index.js';
import { parseRuleText } from '../packages/sonde/src/alerting/rules/file.js';
import { RuleManager } from '../packages/sonde/src/alerting/rules/manager.js';
import { FakeClock } from '../packages/sonde/src/alerting/clock.js';
import { FakeEngine } from '../packages/sonde/src/alerting/testing/fake-engine.js';
import { configSchema } from '../packages/sonde/src/config/schema.js';
import { createQueryEngine } from '../packages/sonde/src/query/index.js';
import { openStorage } from '../packages/sonde/src/storage/index.js';
import type { Storage } from '../packages/sonde/src/storage/types.js';

const HOSTS = 100;
const SENSORS = 50; // bench_temp: 100 × 50 = 5,000 gauges
const ROUTES = 50; // bench_requests_total: 100 × 50 = 5,000 counters
const RULES = 1000;
const INTERVAL = 15_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const PROM_SECONDS = Number(process.env.BENCH_PROM_SECONDS ?? 75);
const PROMETHEUS = '/usr/bin/prometheus';
const logger = pino({ level: 'silent' });

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Deterministic values: a temperature per (host, sensor) and a request rate per (host, route). */
const temp = (h: number, s: number, t: number) =>
  40 + ((h * 7 + s * 13) % 50) + 5 * Math.sin(t / 600_000 + h);
const reqRate = (h: number, r: number) => 1 + ((h * 3 + r * 11) % 40);

function ruleFile(): string {
  const lines = ['groups:'];
  for (let g = 0; g < RULES / 50; g++) {
    lines.push(`  - name: bench-${g}`, '    rules:');
    for (let k = 0; k < 50; k++) {
      const i = g * 50 + k;
      const expr =
        i % 5 < 3
          ? `bench_temp{sensor="s${i % SENSORS}"} > ${91 + (i % 4)}`
          : `rate(bench_requests_total{route="r${i % ROUTES}"}[1m]) > ${38.5 + (i % 2)}`;
      lines.push(
        `      - alert: Bench${i}`,
        `        expr: '${expr}'`,
        '        for: 1m',
        '        labels: { severity: warning }',
        `        annotations: { summary: '{{ $labels.host }} at {{ $value | humanize }}' }`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function fill(storage: Storage, from: number, to: number): Promise<number> {
  let n = 0;
  for (let t = from; t <= to; t += INTERVAL) {
    const app = storage.appender();
    for (let h = 0; h < HOSTS; h++) {
      for (let s = 0; s < SENSORS; s++)
        app.append({ __name__: 'bench_temp', host: `h${h}`, sensor: `s${s}` }, t, temp(h, s, t));
      for (let r = 0; r < ROUTES; r++) {
        app.append(
          { __name__: 'bench_requests_total', host: `h${h}`, route: `r${r}` },
          t,
          Math.floor((reqRate(h, r) * t) / 1000),
        );
      }
    }
    n += (await app.commit()).accepted;
  }
  return n;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function sondeRealEngine(rules: string): Promise<{ cpuMs: number[]; firing: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'sonde-alert-bench-'));
  const end = Math.floor(Date.now() / INTERVAL) * INTERVAL;
  const storage = await openStorage({ dir, maintenanceIntervalMs: 0, logger });
  const samples = await fill(storage, end - 20 * 60_000, end);
  console.log(`sonde: ${samples.toLocaleString()} samples of 10,000 series in the embedded store`);
  const clock = new FakeClock(end);
  const manager = new RuleManager({
    storage,
    engine: createQueryEngine(storage),
    clock,
    logger,
    stateFile: null,
    defaultIntervalMs: INTERVAL,
    externalLabels: {},
    externalURL: 'http://localhost:9977',
    resendDelayMs: 60_000,
    notify: () => {},
    load: async () => parseRuleText(rules, 'bench.yml'),
  });
  await manager.start();
  const out: number[] = [];
  for (let round = 0; round < ROUNDS + 2; round++) {
    const t = end + round * INTERVAL;
    await fill(storage, t, t);
    const c0 = cpuMs();
    await manager.evaluateAll(t);
    if (round >= 2) out.push(cpuMs() - c0);
  }
  let firing = 0;
  for (const g of manager.groups())
    for (const r of g.rules)
      if (r.kind === 'alert') for (const a of r.active.values()) if (a.state === 'firing') firing++;
  await manager.stop();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
  return { cpuMs: out, firing };
}

async function sondeScripted(rules: string): Promise<number[]> {
  // Each rule answers with 100 samples, 3 of them over the threshold: the alerting stage alone.
  const engine = new FakeEngine();
  engine.record = false;
  const parsed = parseRuleText(rules, 'bench.yml');
  for (const g of parsed.groups) {
    for (const [i, r] of g.rules.entries()) {
      const firing = [0, 1, 2].map((k) => ({
        labels: { __name__: 'bench_temp', host: `h${(i + k) % HOSTS}`, sensor: `s${i % SENSORS}` },
        v: 90 + k,
      }));
      engine.set(r.expr, firing);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'sonde-alert-bench-'));
  const storage = await openStorage({ dir, maintenanceIntervalMs: 0, logger });
  const clock = new FakeClock(Math.floor(Date.now() / INTERVAL) * INTERVAL);
  const manager = new RuleManager({
    storage,
    engine,
    clock,
    logger,
    stateFile: join(dir, 'state.json'),
    defaultIntervalMs: INTERVAL,
    externalLabels: {},
    externalURL: 'http://localhost:9977',
    resendDelayMs: 60_000,
    notify: () => {},
    load: async () => parsed,
  });
  await manager.start();
  const out: number[] = [];
  for (let round = 0; round < ROUNDS + 2; round++) {
    const c0 = cpuMs();
    await manager.evaluateAll(clock.now() + round * INTERVAL);
    await manager.idle();
    if (round >= 2) out.push(cpuMs() - c0);
  }
  await manager.stop();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

async function notificationLatency(): Promise<number[]> {
  const got = new Map<string, number>();
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const payload = JSON.parse(body) as { alerts: { labels: Record<string, string> }[] };
      for (const a of payload.alerts) if (!got.has(a.labels.n)) got.set(a.labels.n, performance.now());
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'sonde-alert-lat-'));
  writeFileSync(
    join(dir, 'rules.yml'),
    'groups:\n  - name: lat\n    rules:\n      - alert: Latency\n        expr: bench_flag > 0\n',
  );
  const engine = new FakeEngine();
  engine.record = false;
  let n = 0;
  engine.set('bench_flag > 0', () => (n ? [{ labels: { n: String(n) }, v: 1 }] : []));
  const storage = await openStorage({ dir: join(dir, 'tsdb'), maintenanceIntervalMs: 0, logger });
  const alerting = createAlerting({
    config: configSchema.parse({
      data_dir: dir,
      rule_files: [join(dir, 'rules.yml')],
      alerting: {
        evaluation_interval: '1h',
        builtin_rules: { enabled: false },
        route: { receiver: 'hook', group_by: ['...'], group_wait: '0s' },
        receivers: [{ name: 'hook', webhook_configs: [{ url: `http://127.0.0.1:${port}/` }] }],
      },
    }),
    engine,
    storage,
    dataDir: dir,
    logger,
  });
  await alerting.start();
  const lat: number[] = [];
  for (n = 1; n <= 30; n++) {
    const t0 = performance.now();
    await alerting.evaluate(Date.now());
    while (!got.has(String(n))) await new Promise((r) => setImmediate(r));
    lat.push(got.get(String(n))! - t0);
  }
  await alerting.stop();
  await storage.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
  return lat;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function procCpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Prometheus scraping the same 10,000 series from this process and evaluating the same rules. */
async function prometheus(rules: string): Promise<{ evalMs: number[]; cpuPerRoundMs: number } | string> {
  try {
    readFileSync(PROMETHEUS);
  } catch {
    return `${PROMETHEUS} is not installed`;
  }
  const target = createHttpServer((_req, res) => {
    const t = Date.now();
    let text = '# TYPE bench_temp gauge\n';
    for (let h = 0; h < HOSTS; h++)
      for (let s = 0; s < SENSORS; s++) text += `bench_temp{host="h${h}",sensor="s${s}"} ${temp(h, s, t)}\n`;
    text += '# TYPE bench_requests_total counter\n';
    for (let h = 0; h < HOSTS; h++) {
      for (let r = 0; r < ROUTES; r++)
        text += `bench_requests_total{host="h${h}",route="r${r}"} ${Math.floor((reqRate(h, r) * t) / 1000)}\n`;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetPort = (target.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'sonde-alert-prom-'));
  writeFileSync(join(dir, 'rules.yml'), rules);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 15s, evaluation_interval: 15s }\nrule_files: [rules.yml]\nscrape_configs:\n  - job_name: bench\n    static_configs: [ { targets: ['127.0.0.1:${targetPort}'] } ]\n`,
  );
  const port = await freePort();
  const proc = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${url}/-/ready`)).ok) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    // Let it scrape twice (rate() needs two samples), then measure.
    await new Promise((r) => setTimeout(r, 35_000));
    const cpu0 = procCpuSeconds(proc.pid!);
    const w0 = Date.now();
    const evalMs: number[] = [];
    let lastSeen = '';
    while (Date.now() - w0 < PROM_SECONDS * 1000 - 35_000) {
      await new Promise((r) => setTimeout(r, 5_000));
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      let stamp = '';
      for (const line of text.split('\n')) {
        if (line.startsWith('prometheus_rule_group_last_duration_seconds{'))
          sum += Number(line.slice(line.lastIndexOf(' ') + 1));
        if (
          line.startsWith('prometheus_rule_group_last_evaluation_timestamp_seconds{') &&
          line.includes('bench-0"')
        )
          stamp = line;
      }
      if (stamp && stamp !== lastSeen) {
        lastSeen = stamp;
        evalMs.push(sum * 1000);
      }
    }
    const cpu = procCpuSeconds(proc.pid!) - cpu0;
    const cpuPerRoundMs = (cpu * 1000 * INTERVAL) / (Date.now() - w0);
    return { evalMs, cpuPerRoundMs };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    target.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rules = ruleFile();
// BENCH_PARTS=real runs only sonde with the real engine (for quick before/after comparisons).
const PARTS = new Set((process.env.BENCH_PARTS ?? 'real,scripted,latency,prometheus').split(','));
const real = await sondeRealEngine(rules);
const scripted = PARTS.has('scripted') ? await sondeScripted(rules) : [Number.NaN];
const latency = PARTS.has('latency') ? await notificationLatency() : [Number.NaN];
const prom = PARTS.has('prometheus') ? await prometheus(rules) : 'skipped (BENCH_PARTS)';

const pct = (ms: number) => `${((ms / INTERVAL) * 100).toFixed(1)}%`;
const realMed = quantile(real.cpuMs, 0.5);
console.log(
  `\n1,000 alerting rules over 10,000 series, one round every 15 s (${ROUNDS} rounds; ${real.firing} alerts firing)`,
);
console.log('| what | per round (median) | p95 | share of one core at 15 s |');
console.log('| --- | --- | --- | --- |');
console.log(
  `| sonde, real PromQL engine + embedded store (CPU) | ${realMed.toFixed(0)} ms | ${quantile(real.cpuMs, 0.95).toFixed(0)} ms | ${pct(realMed)} |`,
);
const scrMed = quantile(scripted, 0.5);
console.log(
  `| sonde, alerting stage alone (scripted engine, CPU) | ${scrMed.toFixed(0)} ms | ${quantile(scripted, 0.95).toFixed(0)} ms | ${pct(scrMed)} |`,
);
if (typeof prom === 'string') {
  console.log(`| Prometheus 2.42 | not run: ${prom} | | |`);
} else if (prom.evalMs.length) {
  const pm = quantile(prom.evalMs, 0.5);
  console.log(
    `| Prometheus 2.42, rule evaluation (its own metric, wall) | ${pm.toFixed(0)} ms | ${quantile(prom.evalMs, 0.95).toFixed(0)} ms | ${pct(pm)} |`,
  );
  console.log(
    `| Prometheus 2.42, whole process incl. scraping 10k series (CPU) | ${prom.cpuPerRoundMs.toFixed(0)} ms | | ${pct(prom.cpuPerRoundMs)} |`,
  );
  console.log(
    `\nratios sonde / Prometheus: CPU per round vs its whole process (scraping included, so an upper bound of its rule CPU) ${(realMed / prom.cpuPerRoundMs).toFixed(2)}×; vs its rule-evaluation wall time ${(realMed / pm).toFixed(2)}×`,
  );
}
console.log(
  `\nnotification latency, evaluation that fires → webhook received (group_wait 0, outbox fsync + HTTP): median ${quantile(latency, 0.5).toFixed(1)} ms, p95 ${quantile(latency, 0.95).toFixed(1)} ms`,
);
console.log(`target: < 25% of one core per round → ${realMed / INTERVAL < 0.25 ? 'met' : 'NOT met'}`);
