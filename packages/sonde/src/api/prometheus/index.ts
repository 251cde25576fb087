// The Prometheus HTTP API (/api/v1/...): same paths, parameters, JSON shapes,
// status codes and errorTypes as Prometheus, for GET and form-encoded POST, so
// Grafana's Prometheus data source and other clients work against sonde.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseExpr } from '../../query/parser/parse.js';
import { formatExpr } from '../../query/parser/format.js';
import { unwrapParens } from '../../query/parser/ast.js';
import { QueryError } from '../../query/types.js';
import type { Matcher } from '../../storage/types.js';
import { re2ForStore } from '../../query/parser/regex.js';
import { SONDE_VERSION } from '../../version.js';
import type { ApiDeps, RoutePlugin } from '../deps.js';
import { TooManyQueriesError } from '../query-slots.js';
import { resultJson, successJson } from './json.js';
import {
  ParamError,
  type Params,
  list,
  mergeParams,
  parseDurationParamMs,
  parseForm,
  parseTimeMs,
  single,
} from './params.js';

type ErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'not_found' | 'unavailable';

const STATUS: Record<ErrorType, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  internal: 500,
  not_found: 404,
  unavailable: 503,
};

/** The Prometheus version sonde answers as, so clients enable the features it has. */
export const PROMETHEUS_COMPAT_VERSION = '2.42.0';

const MAX_POINTS = 11_000;

class ApiError extends Error {
  constructor(
    readonly errorType: ErrorType,
    message: string,
  ) {
    super(message);
  }
}

function send(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('application/json').send(body);
}

function fail(reply: FastifyReply, err: unknown, log: FastifyRequest['log']): FastifyReply {
  let type: ErrorType = 'internal';
  let message = String((err as Error)?.message ?? err);
  if (err instanceof ApiError) type = err.errorType;
  else if (err instanceof TooManyQueriesError) {
    type = 'unavailable';
    reply.header('Retry-After', '1');
  } else if (err instanceof QueryError) {
    type = err.errorType === 'too_many_samples' ? 'execution' : err.errorType;
  } else log.error({ err }, 'prometheus api failure');
  if (err instanceof ParamError) type = 'bad_data';
  message = message || 'unknown error';
  return reply
    .code(STATUS[type])
    .type('application/json')
    .send(JSON.stringify({ status: 'error', errorType: type, error: message }));
}

/** Parse and type errors name the parameter, as Prometheus's API does. */
async function asQueryParam<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof QueryError && err.errorType === 'bad_data')
      throw new ApiError('bad_data', `invalid parameter "query": ${err.message}`);
    throw err;
  }
}

function timeParam(p: Params, name: string, fallback: number | null): number {
  const v = single(p, name);
  if (v === undefined || v === '') {
    if (fallback !== null) return fallback;
    throw new ApiError('bad_data', `invalid parameter "${name}": cannot parse "" to a valid timestamp`);
  }
  try {
    return parseTimeMs(v);
  } catch (err) {
    throw new ApiError('bad_data', `invalid parameter "${name}": ${(err as Error).message}`);
  }
}

/** Parses match[] selectors into matcher sets (regexes translated for the store). */
function matcherSets(p: Params): Matcher[][] {
  return list(p, 'match[]').map((text) => {
    let e: ReturnType<typeof parseExpr>;
    try {
      e = unwrapParens(parseExpr(text));
    } catch (err) {
      throw new ApiError('bad_data', (err as Error).message);
    }
    if (e.kind !== 'vectorSelector')
      throw new ApiError('bad_data', `1:1: parse error: unexpected expression in match[]: ${text}`);
    return e.matchers.map((m) =>
      m.type === '=~' || m.type === '!~' ? { ...m, value: re2ForStore(m.value) } : m,
    );
  });
}

const MIN_MS = -62135596800000; // 0001-01-01, Prometheus's minTime as clients send it
const MAX_MS = 253402300799000; // 9999-12-31

function limitParam(p: Params): number {
  const v = single(p, 'limit');
  if (v === undefined || v === '') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new ApiError(
      'bad_data',
      `invalid parameter "limit": cannot parse "${v}" as a non-negative integer`,
    );
  return n;
}

export const prometheusApi: RoutePlugin = (app: FastifyInstance, deps: ApiDeps) => {
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        try {
          done(null, parseForm(body as string));
        } catch (err) {
          done(err as Error, undefined);
        }
      },
    );
  }

  const route = (path: string, handler: (p: Params, req: FastifyRequest) => Promise<string> | string) => {
    const h = async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        return send(reply, await handler(mergeParams(req.query, req.body), req));
      } catch (err) {
        return fail(reply, err, req.log);
      }
    };
    app.get(path, h);
    app.post(path, h);
  };

  const queryOptions = (p: Params) => {
    const t = single(p, 'timeout');
    if (t === undefined || t === '') return undefined;
    try {
      return { timeoutMs: parseDurationParamMs(t) };
    } catch (err) {
      throw new ApiError('bad_data', `invalid parameter "timeout": ${(err as Error).message}`);
    }
  };

  const slots = deps.querySlots;
  const inSlot = <T>(evaluate: () => Promise<T>): Promise<T> => (slots ? slots.run(evaluate) : evaluate());

  route('/api/v1/query', async (p) => {
    const query = single(p, 'query') ?? '';
    const time = timeParam(p, 'time', Date.now());
    const value = await asQueryParam(inSlot(() => deps.engine.instant(query, time, queryOptions(p))));
    return successJson(resultJson(value));
  });

  route('/api/v1/query_range', async (p) => {
    const start = timeParam(p, 'start', null);
    const end = timeParam(p, 'end', null);
    if (end < start)
      throw new ApiError('bad_data', 'invalid parameter "end": end timestamp must not be before start time');
    const stepText = single(p, 'step');
    let step: number;
    try {
      step = parseDurationParamMs(stepText ?? '');
    } catch (err) {
      throw new ApiError('bad_data', `invalid parameter "step": ${(err as Error).message}`);
    }
    if (step <= 0)
      throw new ApiError(
        'bad_data',
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    if ((end - start) / step > MAX_POINTS)
      throw new ApiError(
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    const value = await asQueryParam(
      inSlot(() => deps.engine.range(single(p, 'query') ?? '', start, end, step, queryOptions(p))),
    );
    return successJson(resultJson(value));
  });

  route('/api/v1/series', (p) => {
    const sets = matcherSets(p);
    if (sets.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
    const start = timeParam(p, 'start', MIN_MS);
    const end = timeParam(p, 'end', MAX_MS);
    const limit = limitParam(p);
    const querier = deps.storage.querier();
    try {
      const seen = new Map<string, string>();
      for (const ms of sets) {
        for (const s of querier.select(ms, start, end, { labelsOnly: true })) {
          const json = JSON.stringify(
            Object.fromEntries(Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1))),
          );
          seen.set(json, json);
        }
      }
      let out = [...seen.values()].sort();
      if (limit > 0) out = out.slice(0, limit);
      return successJson(`[${out.join(',')}]`);
    } finally {
      querier.close();
    }
  });

  route('/api/v1/labels', (p) => {
    const sets = matcherSets(p);
    const start = timeParam(p, 'start', MIN_MS);
    const end = timeParam(p, 'end', MAX_MS);
    const limit = limitParam(p);
    const querier = deps.storage.querier();
    try {
      const names = new Set<string>();
      if (sets.length === 0) for (const n of querier.labelNames(undefined, start, end)) names.add(n);
      for (const ms of sets) for (const n of querier.labelNames(ms, start, end)) names.add(n);
      let out = [...names].sort();
      if (limit > 0) out = out.slice(0, limit);
      return successJson(JSON.stringify(out));
    } finally {
      querier.close();
    }
  });

  route('/api/v1/label/:name/values', (p, req) => {
    const name = (req.params as { name: string }).name;
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name))
      throw new ApiError('bad_data', `invalid label name: ${JSON.stringify(name)}`);
    const sets = matcherSets(p);
    const start = timeParam(p, 'start', MIN_MS);
    const end = timeParam(p, 'end', MAX_MS);
    const limit = limitParam(p);
    const querier = deps.storage.querier();
    try {
      const values = new Set<string>();
      if (sets.length === 0) for (const v of querier.labelValues(name, undefined, start, end)) values.add(v);
      for (const ms of sets) for (const v of querier.labelValues(name, ms, start, end)) values.add(v);
      let out = [...values].sort();
      if (limit > 0) out = out.slice(0, limit);
      return successJson(JSON.stringify(out));
    } finally {
      querier.close();
    }
  });

  route('/api/v1/metadata', (p) => {
    const limit = limitParam(p);
    const metric = single(p, 'metric');
    const meta = deps.storage.metadata(metric || undefined);
    const out: Record<string, { type: string; help: string; unit: string }[]> = {};
    let count = 0;
    for (const [name, m] of [...meta].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (limit > 0 && count >= limit) break;
      out[name] = [{ type: m.type, help: m.help, unit: m.unit }];
      count++;
    }
    return successJson(JSON.stringify(out));
  });

  route('/api/v1/query_exemplars', (p) => {
    const query = single(p, 'query') ?? '';
    try {
      parseExpr(query);
    } catch (err) {
      throw new ApiError('bad_data', (err as Error).message);
    }
    timeParam(p, 'start', MIN_MS);
    timeParam(p, 'end', MAX_MS);
    return successJson('[]');
  });

  route('/api/v1/format_query', (p) => {
    const query = single(p, 'query') ?? '';
    try {
      return successJson(JSON.stringify(formatExpr(parseExpr(query))));
    } catch (err) {
      throw new ApiError('bad_data', (err as Error).message);
    }
  });

  route('/api/v1/status/buildinfo', () =>
    successJson(
      JSON.stringify({
        version: PROMETHEUS_COMPAT_VERSION,
        revision: `sonde-${SONDE_VERSION}`,
        branch: 'sonde',
        buildUser: 'sonde',
        buildDate: '',
        goVersion: `node${process.versions.node}`,
      }),
    ),
  );

  route('/api/v1/status/runtimeinfo', () => {
    const stats = deps.storage.stats();
    return successJson(
      JSON.stringify({
        startTime: new Date(deps.startedAt).toISOString(),
        CWD: process.cwd(),
        reloadConfigSuccess: true,
        lastConfigTime: new Date(deps.startedAt).toISOString(),
        corruptionCount: 0,
        goroutineCount: 0,
        GOMAXPROCS: 1,
        GOGC: '',
        GODEBUG: '',
        storageRetention: stats.tiers.length
          ? `${stats.tiers[0].retentionMs === Infinity ? 'unlimited' : `${Math.round(stats.tiers[0].retentionMs / 86_400_000)}d`}`
          : '',
      }),
    );
  });
};

export default prometheusApi;
