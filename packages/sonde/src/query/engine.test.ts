// The engine's own contract: limits (timeout, samples, points), staleness,
// extension functions through registerFunction, and the parser's round trip.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MemoryStorage, STALE_NAN } from '../storage/index.js';
import { QueryError, createQueryEngine, formatExpr, parseExpr, registerFunction } from './index.js';

async function store(series = 1, points = 100, stepMs = 15_000): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const a = s.appender();
  for (let k = 0; k < series; k++)
    for (let i = 0; i < points; i++) a.append({ __name__: 'm', k: String(k) }, i * stepMs, i);
  await a.commit();
  return s;
}

/** Runs `work`, counting the event loop's turns meanwhile (0 when it held the loop throughout). */
async function withLoopTurns<T>(work: () => Promise<T>): Promise<[T, number]> {
  let done = false;
  let turns = 0;
  const spin = () => {
    turns++;
    if (!done) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return [await work(), turns];
  } finally {
    done = true;
  }
}

async function rejectsWith(p: Promise<unknown>, type: QueryError['errorType'], re: RegExp): Promise<void> {
  await assert.rejects(
    p,
    (err) => err instanceof QueryError && err.errorType === type && re.test(err.message),
  );
}

describe('PromQL engine', () => {
  it('stops a query that would hold too many samples', async () => {
    const engine = createQueryEngine(await store(50, 200), { maxSamples: 5000 });
    await rejectsWith(engine.range('m', 0, 3_000_000, 15_000), 'execution', /too many samples/);
    const ok = await engine.instant('count(m)', 100_000);
    assert.equal(ok.type, 'vector');
  });

  it('yields the event loop between slices of a heavy range query, and can be cancelled there', async () => {
    const data = await store(20, 400);
    // One-step slices, as a heavy query gets: other work runs while it evaluates.
    const sliced = createQueryEngine(data, {
      slices: { firstSteps: 1, sliceMs: 0, finishWithinMs: 0, finishFirstWithinMs: 0, lightWork: 0 },
    });
    const query = 'sum by (k) (rate(m[5m])) * on(k) group_left max_over_time(m[10m:1m])';
    const [a, turns] = await withLoopTurns(() => sliced.range(query, 0, 5_000_000, 60_000));
    assert.ok(turns > 10, `the loop turned ${turns} times during the query`);
    // The same answer as one evaluation of the whole range.
    const whole = createQueryEngine(data, {
      slices: {
        firstSteps: 1e9,
        sliceMs: 1e9,
        finishWithinMs: 1e9,
        finishFirstWithinMs: 1e9,
        lightWork: 1e18,
      },
    });
    assert.deepEqual(a, await whole.range(query, 0, 5_000_000, 60_000));
    // An abort while it is yielded stops it.
    const ac = new AbortController();
    setImmediate(() => ac.abort());
    await rejectsWith(
      sliced.range('sum(rate(m[5m]))', 0, 5_000_000, 15_000, { signal: ac.signal }),
      'canceled',
      /canceled/,
    );
  });

  it('reads a heavy instant query ahead with the event loop yielded, and can be cancelled there', async () => {
    const data = await store(20, 400);
    // sliceMs 0: yield after every series read
    const engine = createQueryEngine(data, {
      slices: { firstSteps: 64, sliceMs: 0, finishWithinMs: 150, finishFirstWithinMs: 400, lightWork: 1 },
    });
    const t = 399 * 15_000;
    const [got, turns] = await withLoopTurns(() => engine.instant('sum(max_over_time(m[1d])) + count(m)', t));
    assert.ok(turns >= 10, `the loop turned ${turns} times during the query`);
    assert.deepEqual(got, { type: 'vector', samples: [{ labels: {}, t, v: 20 * 399 + 20 }] });
    const ac = new AbortController();
    setImmediate(() => ac.abort());
    await rejectsWith(engine.instant('sum(rate(m[1d]))', t, { signal: ac.signal }), 'canceled', /canceled/);
  });

  it('times out a slow query and honours an abort signal', async () => {
    const engine = createQueryEngine(await store(200, 400));
    await rejectsWith(
      engine.range('sum(rate(m[5m]))', 0, 6_000_000, 1000, { timeoutMs: -1 }),
      'timeout',
      /timed out/,
    );
    const ac = new AbortController();
    ac.abort();
    await rejectsWith(engine.instant('m', 0, { signal: ac.signal }), 'canceled', /canceled/);
  });

  it('refuses range queries with too many points per series', async () => {
    const engine = createQueryEngine(await store(), { maxPointsPerSeries: 100 });
    await rejectsWith(engine.range('m', 0, 1_000_000, 1000), 'bad_data', /exceeded maximum resolution/);
  });

  it('ends a series at a stale marker and honours a configured lookback', async () => {
    const s = new MemoryStorage();
    const a = s.appender();
    a.append({ __name__: 'g' }, 0, 1);
    a.append({ __name__: 'g' }, 60_000, STALE_NAN);
    a.append({ __name__: 'h' }, 0, 5);
    await a.commit();
    const engine = createQueryEngine(s, { lookbackDeltaMs: 30_000 });
    const r = await engine.range('g', 0, 120_000, 30_000);
    assert.equal(r.type, 'matrix');
    assert.deepEqual(r.type === 'matrix' ? Array.from(r.series[0].t) : [], [0, 30_000]);
    const h = await engine.instant('h', 40_000);
    assert.deepEqual(h.type === 'vector' ? h.samples : null, []);
    const h2 = await engine.instant('h', 40_000, { lookbackDeltaMs: 60_000 });
    assert.equal(h2.type === 'vector' ? h2.samples.length : 0, 1);
  });

  it('evaluates extension functions registered from outside', async () => {
    registerFunction('test_double_last', {
      argTypes: ['matrix', 'scalar'],
      returnType: 'vector',
      overRange: (w) => w.v[w.hi - 1] * 2 + w.args[1],
    });
    registerFunction('test_negate', { argTypes: ['vector'], returnType: 'vector', perSample: (v) => -v });
    const engine = createQueryEngine(await store(2, 10));
    const r = await engine.instant('sum(test_double_last(m[1m], 1)) + sum(test_negate(m))', 135_000);
    assert.deepEqual(r.type === 'vector' ? r.samples.map((s) => s.v) : null, [2 * (9 * 2 + 1) - 18]);
    assert.throws(
      () => registerFunction('bad', { argTypes: ['vector'], returnType: 'vector' }),
      /exactly one of overRange, perSample, call/,
    );
    await rejectsWith(engine.instant('test_negate(m[1m])', 0), 'bad_data', /expected type instant vector/);
  });

  it('formats what it parses to text that parses to the same thing', () => {
    const name = fc.constantFrom('m', 'up', 'http_requests_total', 'a:b');
    const label = fc.constantFrom('job', 'le', 'x');
    const value = fc.string({ maxLength: 6 }).filter((s) => !s.includes('\\'));
    const selector = fc
      .tuple(name, fc.array(fc.tuple(label, fc.constantFrom('=', '!=', '=~', '!~'), value), { maxLength: 2 }))
      .map(
        ([n, ms]) =>
          `${n}{${ms.map(([l, op, v]) => `${l}${op}${JSON.stringify(op.includes('~') ? v.replace(/[^a-z]/g, '') : v)}`).join(',')}}`,
      );
    const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        selector,
        fc.integer({ min: 0, max: 100 }).map(String),
        fc
          .tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '>', 'and', 'or'), tie('e'))
          .map(([a, op, b]) => `(${a}) ${op} (${b})`),
        fc.tuple(fc.constantFrom('sum', 'max', 'count'), tie('e')).map(([f, a]) => `${f} by (job) (${a})`),
        fc.tuple(selector, fc.constantFrom('1m', '5m', '1h')).map(([s, d]) => `rate(${s}[${d}])`),
        fc.tuple(tie('e'), fc.constantFrom('5m', '1h')).map(([a, d]) => `max_over_time((${a})[${d}:1m])`),
      ),
    })).e;
    fc.assert(
      fc.property(expr, (text) => {
        let ast: ReturnType<typeof parseExpr>;
        try {
          ast = parseExpr(text);
        } catch (err) {
          assert.ok(err instanceof QueryError && err.errorType === 'bad_data');
          return;
        }
        const once = formatExpr(ast);
        assert.equal(formatExpr(parseExpr(once)), once);
      }),
      { numRuns: 300 },
    );
  });
});

describe('engine options from config', () => {
  it('reads the query section', async () => {
    const { engineOptionsFromConfig } = await import('./index.js');
    const { configSchema } = await import('../config/schema.js');
    const cfg = configSchema.parse({ query: { lookback_delta: '1m', timeout: '30s', max_samples: 1000 } });
    assert.deepEqual(engineOptionsFromConfig(cfg.query), {
      lookbackDeltaMs: 60_000,
      timeoutMs: 30_000,
      maxSamples: 1000,
    });
    const defaults = engineOptionsFromConfig(configSchema.parse({}).query);
    assert.deepEqual(defaults, { lookbackDeltaMs: 300_000, timeoutMs: 120_000, maxSamples: 50_000_000 });
    assert.throws(() => configSchema.parse({ query: { lookback_delta: 'soon' } }), /duration/);
  });
});

describe('syntax errors', () => {
  it('reads like Prometheus 2.42 for the common mistakes', () => {
    // Messages as Prometheus 2.42 gives them for the same queries.
    const cases: [string, string][] = [
      ['sum(', '1:5: parse error: unclosed left parenthesis'],
      ['rate(x[5m]', '1:11: parse error: unclosed left parenthesis'],
      ['x{', '1:3: parse error: unexpected end of input inside braces'],
      ['x{a=}', '1:5: parse error: unexpected "}" in label matching, expected string'],
      ['x[5m', '1:5: parse error: unclosed left bracket'],
      ['1 +', '1:4: parse error: unexpected end of input'],
      ['x y', '1:3: parse error: unexpected identifier "y"'],
      ['sum by (a (x)', '1:11: parse error: unexpected "(" in grouping opts, expected "," or ")"'],
      ['x[5]', '1:3: parse error: missing unit character in duration'],
      ['foo(x)', '1:1: parse error: unknown function with name "foo"'],
      ['x @', '1:4: parse error: unexpected end of input in @, expected timestamp'],
      ['x offset', '1:9: parse error: unexpected end of input in offset, expected duration'],
      ['"unterminated', '1:1: parse error: unterminated quoted string'],
      ['1 2', '1:3: parse error: unexpected number "2"'],
      ['sum(x) by', '1:10: parse error: unexpected end of input in grouping opts, expected "("'],
      ['rate(x[0s])', '1:8: parse error: duration must be greater than 0'],
      [
        'topk(x)',
        '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1',
      ],
      ['x $ y', "1:3: parse error: unexpected character: '$'"],
      ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ];
    for (const [query, message] of cases) {
      assert.throws(
        () => parseExpr(query),
        (err) => err instanceof QueryError && err.errorType === 'bad_data' && err.message === message,
        query,
      );
    }
    assert.equal(formatExpr(parseExpr('x{a="#"} # comment\n + 1')), 'x{a="#"} + 1');
  });
});
