// The one typed, validated configuration. Each key's default lives here;
// stages read their own section and nothing else.
import { z } from 'zod';
import { alertingSchema } from './alerting-schema.js';
import { parseDuration as durationMs } from './duration.js';

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/, 'must be HOST:PORT, e.g. 127.0.0.1:9977')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be 0..65535');

const duration = z
  .string()
  .regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'must be a duration such as 500ms, 15s, 5m, 1h, 90d');

const SIZE_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** A byte size as Prometheus writes it ("10MB", base 2), or a plain number of bytes; to bytes. */
const byteSize = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(/^\d+(B|KB|MB|GB|TB)$/, 'must be a size such as 512KB, 10MB or 1GB, or bytes'),
  ])
  .transform((v) => {
    if (typeof v === 'number') return v;
    const unit = /[A-Z]+$/.exec(v)?.[0] ?? 'B';
    return Number(v.slice(0, -unit.length)) * SIZE_UNITS[unit];
  });

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const storageSchema = z
  .object({
    retention_raw: duration.default('15d'),
    retention_1m: duration.default('90d'),
    retention_1h: duration.default('2y'),
    max_bytes: z.number().int().positive().optional(),
    out_of_order_window: duration.default('5m'),
    /**
     * How much recent data the in-memory head holds (beyond the out-of-order window) before it is cut
     * into a block: less keeps less in memory and makes more, smaller blocks until compaction.
     */
    block_range: duration.default('15m').refine((d) => {
      const ms = durationMs(d);
      return ms >= 60_000 && (2 * 3_600_000) % ms === 0;
    }, 'must be at least 1m and divide 2h evenly (1m, 5m, 15m, 30m, 1h, 2h)'),
  })
  .strict();

const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

/** A watched process group: by PID, by a pattern over its command name and line, or by cgroup. */
export const processGroupSchema = z
  .object({
    /** The group's name, the `groupname` label; defaults to the pattern, pid or cgroup. */
    name: z.string().min(1).optional(),
    pid: z.number().int().positive().optional(),
    /** Regex matched against the process's command name (comm) and its full command line. */
    pattern: regex.optional(),
    /** cgroup path (as in /proc/<pid>/cgroup, e.g. /system.slice/nginx.service): every process in it. */
    cgroup: z.string().min(1).optional(),
  })
  .strict()
  .refine((g) => [g.pid, g.pattern, g.cgroup].filter((x) => x !== undefined).length === 1, {
    message: 'a process group needs exactly one of pid, pattern, cgroup',
  });

const probeBase = {
  /** Shown as the `instance` label; defaults to the target. */
  name: z.string().min(1).optional(),
  interval: duration.optional(),
  timeout: duration.optional(),
};

/** A blackbox-style probe target. */
export const probeSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('http'),
      /** http:// or https:// URL, fetched with GET. */
      target: z.string().regex(/^https?:\/\/./, 'must be an http:// or https:// URL'),
      ...probeBase,
      /** Status codes that count as success; default any 2xx. */
      valid_status_codes: z.array(z.number().int().min(100).max(599)).optional(),
      /** The body must match this regex for success. */
      fail_if_body_not_matches: regex.optional(),
      /** The body must not match this regex for success. */
      fail_if_body_matches: regex.optional(),
      headers: z.record(z.string(), z.string()).optional(),
      /** Accept any TLS certificate (expiry is still reported). */
      insecure_skip_verify: z.boolean().default(false),
      /** Follow redirects (up to 10). */
      follow_redirects: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      type: z.literal('tcp'),
      /** HOST:PORT */
      target: z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/, 'must be HOST:PORT'),
      ...probeBase,
      /** Do a TLS handshake after connecting. */
      tls: z.boolean().default(false),
      insecure_skip_verify: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      type: z.literal('dns'),
      /** The name to resolve. */
      target: z.string().min(1),
      ...probeBase,
      query_type: z.enum(['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SRV', 'SOA', 'PTR']).default('A'),
      /** DNS server as HOST or HOST:PORT; default the system resolver. */
      server: z.string().optional(),
      /** Fail when the answer is empty. */
      fail_if_no_answer: z.boolean().default(true),
    })
    .strict(),
]);

export const collectSchema = z
  .object({
    interval: duration.default('1s'),
    /** Collector names to run; empty means every collector available on this host. */
    enabled: z.array(z.string()).default([]),
    /** Collector names not to run (applied after enabled). */
    disabled: z.array(z.string()).default([]),
    /** Per-collector deadline in each cycle. */
    timeout: duration.default('800ms'),
    /** Where the host's kernel files are (a containerised sonde reads the host's through a mount). */
    procfs: z.string().min(1).default('/proc'),
    sysfs: z.string().min(1).default('/sys'),
    rootfs: z.string().min(1).default('/'),
    /** node_exporter's filter flags, same defaults. */
    filesystem: z
      .object({
        mount_points_exclude: regex.optional(),
        fs_types_exclude: regex.optional(),
      })
      .strict()
      .default({}),
    diskstats: z
      .object({ device_exclude: regex.optional(), device_include: regex.optional() })
      .strict()
      .default({}),
    netdev: z
      .object({ device_exclude: regex.optional(), device_include: regex.optional() })
      .strict()
      .default({}),
    /** The nvidia-smi program for the gpu collector (found on PATH by default). */
    nvidia_smi: z.string().min(1).default('nvidia-smi'),
    /** Processes to watch beside sonde itself. */
    processes: z.array(processGroupSchema).default([]),
    probes: z.array(probeSchema).default([]),
  })
  .strict();

export const remoteWriteSchema = z
  .object({
    url: z.string().url(),
    name: z.string().optional(),
    remote_timeout: duration.default('30s'),
    headers: z.record(z.string(), z.string()).default({}),
    basic_auth: z.object({ username: z.string(), password: z.string() }).strict().optional(),
    authorization: z.object({ credentials: z.string() }).strict().optional(),
    tls_config: z
      .object({
        ca_file: z.string().optional(),
        cert_file: z.string().optional(),
        key_file: z.string().optional(),
        insecure_skip_verify: z.boolean().default(false),
      })
      .strict()
      .optional(),
    queue_config: z
      .object({
        shards: z.number().int().min(1).max(64).default(2),
        max_samples_per_send: z.number().int().min(1).max(100_000).default(2000),
        /** Bytes kept per shard while the remote is unreachable; past it the oldest data goes first. */
        max_bytes: z
          .number()
          .int()
          .positive()
          .default(256 * 1024 * 1024),
      })
      .strict()
      .default({ shards: 2, max_samples_per_send: 2000, max_bytes: 256 * 1024 * 1024 }),
  })
  .strict();

/** Bounds on what one ingest request (import, remote_write, OTLP, push) may carry. */
export const ingestSchema = z
  .object({
    max_body_bytes: z
      .number()
      .int()
      .positive()
      .default(32 * 1024 * 1024),
    /** Bytes a gzip/deflate/snappy body may expand to; unset, the same as max_body_bytes. */
    max_decompressed_bytes: z.number().int().positive().optional(),
    max_samples_per_request: z.number().int().positive().default(5_000_000),
    max_series_per_request: z.number().int().positive().default(1_000_000),
    max_labels_per_series: z.number().int().positive().default(64),
    max_label_name_length: z.number().int().positive().default(256),
    max_label_value_length: z.number().int().positive().default(4096),
  })
  .strict();

const httpClientFields = {
  basic_auth: z
    .object({ username: z.string(), password: z.string().default('') })
    .strict()
    .optional(),
  authorization: z
    .object({ type: z.string().min(1).default('Bearer'), credentials: z.string() })
    .strict()
    .optional(),
  tls_config: z
    .object({
      ca_file: z.string().optional(),
      cert_file: z.string().optional(),
      key_file: z.string().optional(),
      server_name: z.string().optional(),
      insecure_skip_verify: z.boolean().default(false),
    })
    .strict()
    .optional(),
};

/** One Prometheus relabel rule; the action-specific checks run when the scrape stage compiles it. */
export const relabelConfigSchema = z
  .object({
    source_labels: z.array(z.string()).optional(),
    separator: z.string().optional(),
    regex: z.string().optional(),
    modulus: z.number().int().positive().optional(),
    target_label: z.string().optional(),
    replacement: z.string().optional(),
    action: z
      .enum([
        'replace',
        'keep',
        'drop',
        'keepequal',
        'dropequal',
        'hashmod',
        'labelmap',
        'labeldrop',
        'labelkeep',
        'lowercase',
        'uppercase',
      ])
      .default('replace'),
  })
  .strict();

/** A Prometheus scrape_config (practical subset, same names and defaults). */
export const scrapeConfigSchema = z
  .object({
    job_name: z.string().min(1),
    scrape_interval: duration.default('1m'),
    /** Defaults to 10s, or the interval when that is shorter. */
    scrape_timeout: duration.optional(),
    metrics_path: z.string().startsWith('/').default('/metrics'),
    scheme: z.enum(['http', 'https']).default('http'),
    params: z.record(z.string(), z.array(z.string())).optional(),
    ...httpClientFields,
    static_configs: z
      .array(
        z
          .object({
            targets: z.array(z.string()).default([]),
            labels: z.record(z.string(), z.string()).optional(),
          })
          .strict(),
      )
      .default([]),
    file_sd_configs: z
      .array(
        z
          .object({ files: z.array(z.string().min(1)).min(1), refresh_interval: duration.default('5m') })
          .strict(),
      )
      .default([]),
    relabel_configs: z.array(relabelConfigSchema).default([]),
    metric_relabel_configs: z.array(relabelConfigSchema).default([]),
    honor_labels: z.boolean().default(false),
    honor_timestamps: z.boolean().default(true),
    /** More samples than this after metric relabeling fails the scrape; 0 means no limit. */
    sample_limit: z.number().int().nonnegative().default(0),
    /** A (decompressed) answer larger than this fails the scrape; 0 means sonde's ceiling of 512MB. */
    body_size_limit: byteSize.default(0),
  })
  .strict()
  .refine((c) => !(c.basic_auth && c.authorization), {
    message: 'at most one of basic_auth and authorization may be set',
  });

/** A Prometheus-compatible HTTP API that sonde queries instead of its embedded store. */
export const remoteStoreSchema = z
  .object({
    /** Base URL of the Prometheus HTTP API, e.g. http://vm:8428 or http://mimir/prometheus. */
    url: z.string().url(),
    remote_timeout: duration.default('2m'),
    headers: z.record(z.string(), z.string()).default({}),
    ...httpClientFields,
  })
  .strict()
  .refine((c) => !(c.basic_auth && c.authorization), {
    message: 'at most one of basic_auth and authorization may be set',
  });

export const configSchema = z
  .object({
    listen: hostPort.default('127.0.0.1:9977'),
    data_dir: z.string().min(1).default('./data'),
    log_level: z.enum(logLevels).default('info'),
    /** Agent mode: collect and forward to remote_write only; no local store. */
    agent: z.boolean().default(false),
    remote_write: z.array(remoteWriteSchema).default([]),
    ingest: ingestSchema.default(ingestSchema.parse({})),
    /** Allow listening beyond loopback without authentication (logged loudly). */
    insecure: z.boolean().default(false),
    auth: z
      .object({
        /** Check tokens on loopback too (beyond loopback they are always checked once any exist). */
        required_on_loopback: z.boolean().default(false),
      })
      .strict()
      .default({ required_on_loopback: false }),
    tls: z
      .object({ cert_file: z.string().min(1), key_file: z.string().min(1) })
      .strict()
      .optional(),
    limits: z
      .object({
        /** Requests per second per client (token or address); 0 means no limit. */
        requests_per_second: z.number().int().nonnegative().default(0),
        /** Largest request body accepted, in bytes. */
        max_body_bytes: z
          .number()
          .int()
          .positive()
          .default(32 * 1024 * 1024),
      })
      .strict()
      .default({ requests_per_second: 0, max_body_bytes: 32 * 1024 * 1024 }),
    storage: storageSchema.default(storageSchema.parse({})),
    collect: collectSchema.default(collectSchema.parse({})),
    scrape_configs: z
      .array(scrapeConfigSchema)
      .default([])
      .refine((cs) => new Set(cs.map((c) => c.job_name)).size === cs.length, 'job_name must be unique'),
    /** Query this remote store (Prometheus HTTP API) instead of the embedded one. */
    remote_store: remoteStoreSchema.optional(),
    /** Prometheus rule files (globs allowed in the file name), as in prometheus.yml. */
    rule_files: z.array(z.string().min(1)).default([]),
    alerting: alertingSchema.default(alertingSchema.parse({})),
    /** PromQL evaluation limits, as Prometheus's --query.* flags. */
    query: z
      .object({
        /** How far back an instant selector looks for a sample. */
        lookback_delta: duration.default('5m'),
        /** Longest a query may run. */
        timeout: duration.default('2m'),
        /** Most samples one query may load or hold. */
        max_samples: z.number().int().positive().default(50_000_000),
        /** Queries of the HTTP API evaluated at once (Prometheus's --query.max-concurrency). */
        max_concurrency: z.number().int().positive().default(20),
        /** How long a query past max_concurrency waits for a slot before it is answered 503; 0s: at once. */
        max_queue_wait: duration.default('5s'),
      })
      .strict()
      .default({
        lookback_delta: '5m',
        timeout: '2m',
        max_samples: 50_000_000,
        max_concurrency: 20,
        max_queue_wait: '5s',
      }),
  })
  .strict();

export type SondeConfig = z.infer<typeof configSchema>;
