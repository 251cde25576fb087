// The one typed, validated configuration. Each key's default lives here;
// stages read their own section and nothing else.
import { z } from 'zod';

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/, 'must be HOST:PORT, e.g. 127.0.0.1:9977')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be 0..65535');

const duration = z
  .string()
  .regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'must be a duration such as 500ms, 15s, 5m, 1h, 90d');

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export const storageSchema = z
  .object({
    retention_raw: duration.default('15d'),
    retention_1m: duration.default('90d'),
    retention_1h: duration.default('2y'),
    max_bytes: z.number().int().positive().optional(),
    out_of_order_window: duration.default('5m'),
  })
  .strict();

export const collectSchema = z
  .object({
    interval: duration.default('1s'),
    /** Collector names to run; empty means every collector available on this host. */
    enabled: z.array(z.string()).default([]),
    disabled: z.array(z.string()).default([]),
    timeout: duration.default('800ms'),
    processes: z
      .array(
        z
          .object({
            name: z.string().optional(),
            pid: z.number().int().positive().optional(),
            pattern: z.string().optional(),
            cgroup: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    probes: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();

export const configSchema = z
  .object({
    listen: hostPort.default('127.0.0.1:9977'),
    data_dir: z.string().min(1).default('./data'),
    log_level: z.enum(logLevels).default('info'),
    /** Allow listening beyond loopback without authentication (logged loudly). */
    insecure: z.boolean().default(false),
    storage: storageSchema.default(storageSchema.parse({})),
    collect: collectSchema.default(collectSchema.parse({})),
  })
  .strict();

export type SondeConfig = z.infer<typeof configSchema>;
