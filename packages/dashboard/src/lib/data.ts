// Data hooks: the page's live stream, charts' series (history over
// query_range, then live points appended in place), and plain API calls
// with loading/error state and optional refresh.
import { createContext } from 'preact';
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { type Result, api } from '../api/client';
import { LiveStream } from '../api/live';
import { Columns, labelKey, parseValue } from './columns';

export const LiveContext = createContext<LiveStream | null>(null);

/** One live stream for the page that renders this; closed when it unmounts. */
export function usePageStream(): LiveStream {
  const ref = useRef<LiveStream | null>(null);
  ref.current ??= new LiveStream();
  useEffect(() => () => ref.current?.close(), []);
  return ref.current;
}

export type LoadState = 'loading' | 'ready' | 'empty' | 'error' | 'missing';

/** Charts whose history is being fetched, and who waits for none to be. */
let historyPending = 0;
const historyWaiters = new Set<() => void>();
function historyDone(): void {
  if (--historyPending > 0) return;
  for (const w of historyWaiters) w();
  historyWaiters.clear();
}

/**
 * False until the charts mounted so far have their history (or `maxMs` has
 * passed): panels below the fold wait, so their queries do not compete
 * with the charts a page is judged by.
 */
export function useAfterCharts(maxMs = 1000): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      setReady(true);
    };
    const timer = setTimeout(go, maxMs);
    // The charts' effects, earlier in the page, have started their fetches by the next task.
    const check = setTimeout(() => {
      if (historyPending === 0) go();
      else historyWaiters.add(go);
    }, 0);
    return () => {
      done = true;
      clearTimeout(timer);
      clearTimeout(check);
      historyWaiters.delete(go);
    };
  }, []);
  return ready;
}

export interface SeriesState {
  readonly data: Columns;
  readonly version: number;
  readonly state: LoadState;
  readonly error: string | null;
}

/** A step giving about `points` points over the window, rounded to a whole second. */
export function stepFor(windowMs: number, points = 600): number {
  return Math.max(1000, Math.ceil(windowMs / points / 1000) * 1000);
}

export interface SeriesOptions {
  /** Append live points each second (default true). */
  readonly live?: boolean;
  /** Fixed window end (ms); with it the chart is not live. */
  readonly end?: number;
  readonly stepMs?: number;
}

/**
 * History of one or more queries over the last `windowMs`, then live points
 * appended in place. Series labels carry `__q` (the query's index) so several
 * queries can share one chart.
 */
export function useSeries(
  queries: readonly string[],
  windowMs: number,
  opts: SeriesOptions = {},
): SeriesState {
  const stream = useContext(LiveContext);
  // Long windows are not tailed by default: their step is far coarser than a live second.
  const live = (opts.live ?? windowMs <= 3 * 3_600_000) && opts.end === undefined;
  const [state, setState] = useState<SeriesState>(() => ({
    data: new Columns(),
    version: 0,
    state: 'loading',
    error: null,
  }));
  const key = queries.join('\n');

  // A layout effect: the history fetch starts as the chart is committed, not a frame later.
  useLayoutEffect(() => {
    const ac = new AbortController();
    const data = new Columns(1024);
    let version = 0;
    let frame = 0;
    const errors = new Map<number, string>();
    const missing = new Set<number>();
    const publish = (loading = false) => {
      version++;
      const error = errors.size ? [...errors.values()][0] : null;
      // Without history (no query_range on this server) a live chart still
      // fills from the stream, so "missing" only stands when nothing is live.
      const st: LoadState = loading
        ? 'loading'
        : data.length && data.series.length
          ? 'ready'
          : missing.size === queries.length && !(live && stream)
            ? 'missing'
            : error
              ? 'error'
              : 'empty';
      setState({ data, version, state: st, error });
    };
    // Many charts tick together: redraw once per frame.
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        publish();
      });
    };
    const end = opts.end ?? Date.now();
    const start = end - windowMs;
    const step = opts.stepMs ?? stepFor(windowMs);
    const unsubs: (() => void)[] = [];
    setState({ data, version: 0, state: 'loading', error: null });

    const columnOf = (qi: number, labels: Record<string, string>) => {
      const l = { ...labels, __q: String(qi) };
      return data.column(`${qi}|${labelKey(labels)}`, l);
    };

    historyPending++;
    let counted = true;
    const settle = () => {
      if (!counted) return;
      counted = false;
      historyDone();
    };
    void Promise.all(
      queries.map(async (q, qi) => {
        const r = await api.queryRange(q, start, end, step, ac.signal);
        if (!r.ok) {
          if (r.kind === 'missing') missing.add(qi);
          else errors.set(qi, r.error);
          return end;
        }
        if (r.data.resultType !== 'matrix') return end;
        let last = 0;
        for (const s of r.data.result) {
          const col = columnOf(qi, s.metric);
          for (const [t, v] of s.values) data.set(t, col, parseValue(v));
          if (s.values.length) last = Math.max(last, s.values[s.values.length - 1][0] * 1000);
        }
        return last || end;
      }),
    )
      .then((lasts) => {
        settle();
        if (ac.signal.aborted) return;
        publish();
        if (!live || !stream) return;
        queries.forEach((q, qi) => {
          unsubs.push(
            stream.subscribe(
              q,
              {
                points: (t, pts) => {
                  errors.delete(qi);
                  const tSec = t / 1000;
                  for (const p of pts) data.set(tSec, columnOf(qi, p.labels), p.v);
                  data.trimBefore(tSec - windowMs / 1000);
                  schedule();
                },
                backfill: (series) => {
                  for (const s of series) {
                    const col = columnOf(qi, s.labels);
                    for (let i = 0; i < s.t.length; i++) data.set(s.t[i] / 1000, col, s.v[i] ?? Number.NaN);
                  }
                  schedule();
                },
                error: (msg) => {
                  errors.set(qi, msg);
                  schedule();
                },
              },
              lasts[qi],
            ),
          );
        });
      })
      .catch(() => {
        // aborted: the component went away
        settle();
      });
    return () => {
      settle();
      ac.abort();
      cancelAnimationFrame(frame);
      for (const u of unsubs) u();
    };
  }, [key, windowMs, live, opts.end, opts.stepMs, stream]);

  return state;
}

export interface ApiState<T> {
  readonly result: Result<T> | null;
  readonly reload: () => void;
}

/** Calls `fn` now, on `deps` changes, and every `refreshMs` if given. */
export function useApi<T>(
  fn: (signal: AbortSignal) => Promise<Result<T>>,
  deps: unknown[],
  refreshMs = 0,
): ApiState<T> {
  const [result, setResult] = useState<Result<T> | null>(null);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    setResult(null);
    const run = async () => {
      try {
        const r = await fn(ac.signal);
        if (!ac.signal.aborted) setResult(r);
      } catch {
        return;
      }
      if (refreshMs && !ac.signal.aborted) timer = setTimeout(run, refreshMs);
    };
    void run();
    return () => {
      ac.abort();
      clearTimeout(timer);
    };
  }, [...deps, nonce]);
  return { result, reload: () => setNonce((n) => n + 1) };
}
