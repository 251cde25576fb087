// The scrape manager: one pool per job (its HTTP client, its discovery, its
// loops), reloadable. Targets that disappear from discovery get end-of-run
// stale markers the way Prometheus writes them; a reload that changes a job
// replaces its loops but keeps what each target's last scrape saw, so no
// spurious stale markers or gaps appear.
import type { Logger } from 'pino';
import { parseDuration } from '../config/duration.js';
import type { Labels, Storage } from '../storage/types.js';
import { FileSd } from './file-sd.js';
import { HttpClient } from './http-client.js';
import { ScrapeLoop } from './loop.js';
import {
  formatDuration,
  populateTargets,
  type ResolvedScrapeConfig,
  resolveScrapeConfig,
  type ScrapeConfig,
  type TargetGroup,
} from './targets.js';

export interface ScrapeManagerOptions {
  readonly configs: readonly ScrapeConfig[];
  readonly storage: Storage;
  readonly logger: Logger;
  /** Clock for sample timestamps (ms); defaults to Date.now. */
  readonly now?: () => number;
}

/** One active target as GET /api/v1/targets shows it. */
export interface ActiveTargetView {
  readonly discoveredLabels: Labels;
  readonly labels: Labels;
  readonly scrapePool: string;
  readonly scrapeUrl: string;
  readonly globalUrl: string;
  readonly lastError: string;
  readonly lastScrape: string;
  readonly lastScrapeDuration: number;
  readonly health: 'up' | 'down' | 'unknown';
  readonly scrapeInterval: string;
  readonly scrapeTimeout: string;
}

export interface TargetsView {
  readonly activeTargets: ActiveTargetView[];
  readonly droppedTargets: { readonly discoveredLabels: Labels }[];
}

export interface ScrapeManager {
  /** Reads discovery (file SD included) and starts every loop. */
  start(): Promise<void>;
  /** Stops every loop; no stale markers are written (as Prometheus on shutdown). */
  stop(): Promise<void>;
  /** Applies new configs; throws (leaving the running ones) when one is invalid. */
  reload(configs: readonly ScrapeConfig[]): Promise<void>;
  targets(): TargetsView;
}

interface Pool {
  readonly rc: ResolvedScrapeConfig;
  readonly fingerprint: string;
  readonly client: HttpClient;
  readonly staticGroups: TargetGroup[];
  readonly fileSds: FileSd[];
  readonly fileGroups: TargetGroup[][];
  loops: Map<string, ScrapeLoop>;
  dropped: Labels[];
}

export function createScrapeManager(opts: ScrapeManagerOptions): ScrapeManager {
  const { storage, logger } = opts;
  const now = opts.now ?? Date.now;
  const pools = new Map<string, Pool>();
  /** Loops gone from discovery, waiting to write their end-of-run stale markers. */
  const ending = new Set<{ timer: NodeJS.Timeout }>();
  let started = false;
  let resolved = opts.configs.map(resolveScrapeConfig);

  function endOfRun(loop: ScrapeLoop): void {
    if (!started) return;
    // Prometheus waits for the next scrape time (the markers' timestamp),
    // then one more interval and 10% in case the target comes back.
    const interval = loop.target.intervalMs;
    const staleAt = loop.nextScrapeAfter(Date.now());
    const wait = staleAt - Date.now() + interval + interval / 10;
    const entry = {
      timer: setTimeout(() => {
        ending.delete(entry);
        loop
          .writeEndOfRunStaleness(now() + (staleAt - Date.now()))
          .catch((err) => logger.error({ err }, 'writing stale markers failed'));
      }, wait),
    };
    ending.add(entry);
  }

  function sync(pool: Pool): void {
    const groups = [...pool.staticGroups, ...pool.fileGroups.flat()];
    const { active, dropped, errors } = populateTargets(pool.rc, groups);
    for (const e of errors) logger.warn({ job: pool.rc.jobName }, `dropped target: ${e}`);
    pool.dropped = dropped;
    for (const [key, loop] of pool.loops) {
      if (active.has(key)) continue;
      pool.loops.delete(key);
      void loop.stop().then(() => endOfRun(loop));
    }
    for (const [key, target] of active) {
      if (pool.loops.has(key)) continue;
      const loop = new ScrapeLoop({
        target,
        storage,
        client: pool.client,
        logger,
        honorLabels: pool.rc.config.honor_labels,
        honorTimestamps: pool.rc.config.honor_timestamps,
        sampleLimit: pool.rc.config.sample_limit,
        bodySizeLimit: pool.rc.config.body_size_limit,
        metricRelabel: pool.rc.metricRelabel,
        now,
      });
      pool.loops.set(key, loop);
      if (started) loop.start();
    }
  }

  async function createPool(rc: ResolvedScrapeConfig): Promise<Pool> {
    const c = rc.config;
    const pool: Pool = {
      rc,
      fingerprint: JSON.stringify(c),
      client: new HttpClient(c),
      staticGroups: c.static_configs.map((s, i) => ({
        targets: s.targets,
        labels: s.labels ?? {},
        source: `static_configs[${i}]`,
      })),
      fileSds: [],
      fileGroups: c.file_sd_configs.map(() => []),
      loops: new Map(),
      dropped: [],
    };
    c.file_sd_configs.forEach((f, i) => {
      pool.fileSds.push(
        new FileSd({
          files: f.files,
          refreshIntervalMs: parseDuration(f.refresh_interval),
          logger,
          onChange: (groups) => {
            pool.fileGroups[i] = groups;
            if (pools.get(rc.jobName) === pool) sync(pool);
          },
        }),
      );
    });
    await Promise.all(pool.fileSds.map((f) => f.start()));
    return pool;
  }

  async function closePool(pool: Pool): Promise<Map<string, ScrapeLoop>> {
    for (const f of pool.fileSds) f.stop();
    await Promise.all([...pool.loops.values()].map((l) => l.stop()));
    pool.client.close();
    return pool.loops;
  }

  async function apply(next: ResolvedScrapeConfig[]): Promise<void> {
    const wanted = new Map(next.map((rc) => [rc.jobName, rc]));
    for (const [job, pool] of pools) {
      if (wanted.has(job)) continue;
      pools.delete(job);
      await closePool(pool);
    }
    for (const rc of next) {
      const old = pools.get(rc.jobName);
      if (old && old.fingerprint === JSON.stringify(rc.config)) continue;
      const pool = await createPool(rc);
      const carried = old ? await closePool(old) : new Map<string, ScrapeLoop>();
      pools.set(rc.jobName, pool);
      sync(pool);
      // Same target under the new config: continue its staleness tracking.
      for (const [key, loop] of pool.loops) {
        const before = carried.get(key);
        if (before) loop.inherit(before);
      }
      for (const [key, before] of carried) if (!pool.loops.has(key)) endOfRun(before);
    }
  }

  return {
    async start() {
      if (started) return;
      started = true;
      // sync() starts each loop as it creates it.
      await apply(resolved);
      logger.info({ jobs: pools.size }, 'scraping started');
    },
    async stop() {
      started = false;
      for (const e of ending) clearTimeout(e.timer);
      ending.clear();
      for (const [job, pool] of pools) {
        pools.delete(job);
        await closePool(pool);
      }
    },
    async reload(configs) {
      const next = configs.map(resolveScrapeConfig);
      resolved = next;
      if (started) await apply(next);
    },
    targets() {
      const activeTargets: ActiveTargetView[] = [];
      const droppedTargets: { discoveredLabels: Labels }[] = [];
      for (const pool of pools.values()) {
        for (const loop of pool.loops.values()) {
          const t = loop.target;
          activeTargets.push({
            discoveredLabels: t.discoveredLabels,
            labels: t.labels,
            scrapePool: pool.rc.jobName,
            scrapeUrl: t.url,
            globalUrl: t.url,
            lastError: loop.lastError,
            lastScrape: loop.lastScrape ? new Date(loop.lastScrape).toISOString() : '0001-01-01T00:00:00Z',
            lastScrapeDuration: loop.lastDurationSeconds,
            health: loop.health,
            scrapeInterval: formatDuration(t.intervalMs),
            scrapeTimeout: formatDuration(t.timeoutMs),
          });
        }
        for (const d of pool.dropped) droppedTargets.push({ discoveredLabels: d });
      }
      return { activeTargets, droppedTargets };
    },
  };
}
