// A QueryEngine that evaluates nothing itself: the PromQL goes as it is to
// the remote's /api/v1/query or /api/v1/query_range, and the JSON answer is
// converted back, so the dashboard, alert rules and the HTTP API run against
// a whole fleet's store.
import { QueryError, type QueryEngine, type QueryOptions, type QueryValue } from '../query/types.js';
import { HttpClient, HttpError } from '../scrape/http-client.js';
import { apiUrl, clientConfig, encodeForm, type RemoteStoreConfig, secondsParam, unwrap } from './api.js';
import { type ApiData, ConvertError, toQueryValue } from './convert.js';
import { parseDuration } from '../config/duration.js';

export class RemoteQueryEngine implements QueryEngine {
  private readonly client: HttpClient;
  private readonly timeoutMs: number;

  constructor(private readonly config: RemoteStoreConfig) {
    this.client = new HttpClient(clientConfig(config));
    this.timeoutMs = parseDuration(config.remote_timeout);
  }

  instant(expr: string, timeMs: number, opts?: QueryOptions): Promise<QueryValue> {
    return this.call(
      '/api/v1/query',
      [
        ['query', expr],
        ['time', secondsParam(timeMs)],
      ],
      opts,
    );
  }

  range(
    expr: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts?: QueryOptions,
  ): Promise<QueryValue> {
    if (!(stepMs > 0)) return Promise.reject(new QueryError('step must be positive', 'bad_data'));
    return this.call(
      '/api/v1/query_range',
      [
        ['query', expr],
        ['start', secondsParam(startMs)],
        ['end', secondsParam(endMs)],
        ['step', secondsParam(stepMs)],
      ],
      opts,
    );
  }

  close(): void {
    this.client.close();
  }

  private async call(path: string, params: [string, string][], opts?: QueryOptions): Promise<QueryValue> {
    const timeoutMs = Math.min(opts?.timeoutMs ?? this.timeoutMs, this.timeoutMs);
    params.push(['timeout', `${Math.max(1, Math.floor(timeoutMs / 1000))}s`]);
    if (opts?.lookbackDeltaMs) params.push(['lookback_delta', `${opts.lookbackDeltaMs}ms`]);
    let res: Awaited<ReturnType<HttpClient['request']>>;
    try {
      res = await this.client.request(apiUrl(this.config.url, path), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: encodeForm(params),
        timeoutMs,
        signal: opts?.signal,
      });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (opts?.signal?.aborted) throw new QueryError('query canceled', 'canceled');
      const timeout = /deadline/.test(err.message);
      throw new QueryError(
        `remote store ${this.config.url}: ${err.message}`,
        timeout ? 'timeout' : 'internal',
      );
    }
    const data = unwrap<ApiData>({ ...res, text: res.body.toString('utf8') }, this.config.url);
    try {
      return toQueryValue(data);
    } catch (err) {
      if (err instanceof ConvertError)
        throw new QueryError(`remote store answer: ${err.message}`, 'internal');
      throw err;
    }
  }
}
