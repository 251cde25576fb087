// The collection loop, appendFamilies into storage, host collector selection
// and the exposition formats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { appendFamilies } from '../src/collect/append.js';
import { formatJson, formatPrometheusText } from '../src/collect/exposition.js';
import { createHostCollectors } from '../src/collect/host.js';
import { parseNum, Scanner } from '../src/collect/lib/scan.js';
import { createCollectionLoop } from '../src/collect/loop.js';
import type { Collector, MetricFamily } from '../src/collect/types.js';
import { collectSchema } from '../src/config/schema.js';
import { MemoryStorage } from '../src/storage/memory.js';
import { fixturePaths, value } from './collect-helpers.js';

function fixed(name: string, families: MetricFamily[]): Collector {
  return { name, unavailableReason: async () => null, collect: async () => families };
}

const gaugeA: MetricFamily = {
  name: 'a_value',
  help: 'A.',
  type: 'gauge',
  samples: [{ labels: { x: '1' }, value: 7 }],
};

describe('collection loop', () => {
  it('a failing and a hanging collector get success 0 and hold up no other', async () => {
    const warnings: unknown[] = [];
    const cycles: { families: readonly MetricFamily[]; t: number }[] = [];
    const loop = createCollectionLoop({
      collectors: [
        fixed('good', [gaugeA]),
        {
          name: 'broken',
          unavailableReason: async () => null,
          collect: async () => Promise.reject(new Error('boom')),
        },
        { name: 'hung', unavailableReason: async () => null, collect: () => new Promise(() => {}) },
      ],
      intervalMs: 1000,
      timeoutMs: 50,
      onCycle: (families, t) => void cycles.push({ families, t }),
      logger: { warn: (o) => void warnings.push(o), info: () => {} },
      now: () => 1_700_000_000_000,
    });
    const r1 = await loop.runOnce();
    assert.equal(value(r1.families, 'a_value', { x: '1' }), 7);
    assert.equal(value(r1.families, 'sonde_collector_success', { collector: 'good' }), 1);
    assert.equal(value(r1.families, 'sonde_collector_success', { collector: 'broken' }), 0);
    assert.equal(value(r1.families, 'sonde_collector_success', { collector: 'hung' }), 0);
    assert.equal(r1.errors.get('hung'), 'timed out after 50ms');
    assert.ok(value(r1.families, 'sonde_collector_duration_seconds', { collector: 'good' }) >= 0);
    // Second cycle: the same errors are not logged again; the hung one is not restarted.
    const r2 = await loop.runOnce();
    assert.equal(r2.errors.get('hung'), 'still running from an earlier cycle');
    assert.equal(cycles.length, 2);
    assert.equal(cycles[0].t, 1_700_000_000_000);
    const broken = warnings.filter((w) => (w as { collector: string }).collector === 'broken');
    assert.equal(broken.length, 1);
  });

  it('start/stop cycles on the interval and delivers each cycle', async () => {
    let n = 0;
    const loop = createCollectionLoop({
      collectors: [fixed('good', [gaugeA])],
      intervalMs: 20,
      onCycle: () => {
        n++;
      },
    });
    loop.start();
    await new Promise((r) => setTimeout(r, 150));
    await loop.stop();
    const after = n;
    assert.ok(after >= 2, `only ${after} cycles`);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(n, after);
  });
});

describe('appendFamilies', () => {
  it('writes every sample with __name__ and extra labels, the same label object each cycle', async () => {
    const storage = new MemoryStorage();
    const app = storage.appender();
    const extra = { instance: 'host1', x: 'overridden' };
    assert.equal(appendFamilies(app, [gaugeA], 1000, extra), 1);
    appendFamilies(
      app,
      [{ ...gaugeA, samples: [{ labels: gaugeA.samples[0].labels, value: 8 }] }],
      2000,
      extra,
    );
    const r = await app.commit();
    assert.equal(r.accepted, 2);
    const q = storage.querier();
    const series = [...q.select([{ type: '=', name: '__name__', value: 'a_value' }], 0, 3000)];
    assert.equal(series.length, 1);
    assert.deepEqual({ ...series[0].labels }, { __name__: 'a_value', instance: 'host1', x: '1' });
    assert.deepEqual([...series[0].v], [7, 8]);
  });
});

describe('createHostCollectors', () => {
  const base = collectSchema.parse({});
  it('on Linux fixtures: enabled list honoured, missing files reported off', async () => {
    const { collectors, off } = await createHostCollectors(
      { ...base, enabled: ['cpu', 'pressure', 'meminfo'] },
      { paths: fixturePaths('linux-server'), gpu: false },
    );
    assert.deepEqual(collectors.map((c) => c.name).sort(), ['cpu', 'meminfo']);
    assert.match(off.find((o) => o.name === 'pressure')!.reason, /not found/);
    assert.equal(off.find((o) => o.name === 'diskstats')!.reason, 'disabled in the config');
  });

  it('disabled wins; gpu off when nvidia-smi is absent', async () => {
    const { collectors, off } = await createHostCollectors(
      { ...base, disabled: ['netclass'], nvidia_smi: '/nonexistent/nvidia-smi' },
      { paths: fixturePaths('linux-vm') },
    );
    assert.ok(!collectors.some((c) => c.name === 'netclass'));
    assert.match(off.find((o) => o.name === 'gpu')!.reason, /not found/);
  });

  it('elsewhere: falls back to the os module and says which collectors are off', async () => {
    const { collectors, off } = await createHostCollectors(base, { platform: 'darwin', gpu: false });
    assert.deepEqual(collectors.map((c) => c.name).sort(), [
      'cpu',
      'loadavg',
      'meminfo',
      'stat',
      'time',
      'uname',
    ]);
    assert.match(off.find((o) => o.name === 'diskstats')!.reason, /not Linux \(darwin\)/);
    const mem = await collectors.find((c) => c.name === 'meminfo')!.collect(AbortSignal.timeout(1000));
    assert.ok(value(mem, 'node_memory_total_bytes') > 0);
  });
});

describe('exposition', () => {
  it('prints Prometheus text with escaped labels and untyped for unknown', () => {
    const text = formatPrometheusText([
      { name: 'b_x', help: 'B.', type: 'unknown', samples: [{ labels: {}, value: Number.NaN }] },
      {
        name: 'a_y',
        help: 'A\nline',
        type: 'counter',
        samples: [{ labels: { q: 'say "hi"\\' }, value: 1.5 }],
      },
    ]);
    assert.equal(
      text,
      '# HELP a_y A\\nline\n# TYPE a_y counter\na_y{q="say \\"hi\\"\\\\"} 1.5\n# HELP b_x B.\n# TYPE b_x untyped\nb_x NaN\n',
    );
    const json = JSON.parse(formatJson([gaugeA], 5));
    assert.equal(json.timestamp_ms, 5);
    assert.equal(json.families[0].samples[0].value, 7);
  });
});

describe('scanner (property)', () => {
  it('parseNum agrees with Number() on decimal text', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
        fc.integer({ min: 0, max: 6 }),
        (x, digits) => {
          const text = x.toFixed(digits);
          const b = Buffer.from(text);
          assert.equal(parseNum(b, 0, b.length), Number(text));
        },
      ),
    );
  });

  it('fields of a line are the whitespace-separated tokens', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z0-9:]{1,8}$/), { maxLength: 10 }),
        fc.constantFrom(' ', '\t', '  '),
        (tokens, sep) => {
          const b = Buffer.from(`${sep}${tokens.join(sep)}\nnext line\n`);
          const s = new Scanner().reset(b, b.length);
          assert.ok(s.nextLine());
          const got: string[] = [];
          while (s.field()) got.push(s.str());
          assert.deepEqual(got, tokens);
          assert.ok(s.nextLine());
          assert.ok(s.field() && s.is('next'));
        },
      ),
    );
  });
});
