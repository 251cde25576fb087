// The notification log (Alertmanager's nflog): per aggregation group and
// receiver integration, which alerts were last notified firing and resolved,
// and when. It decides whether a flush sends anything, and it is kept in the
// data directory, so a restart does not notify again what was already sent.
import type { Clock } from '../clock.js';
import { JsonFile } from '../json-file.js';

export interface NflogEntry {
  readonly firing: readonly string[];
  readonly resolved: readonly string[];
  readonly at: number;
}

const RETENTION_MS = 5 * 86_400_000;

export class NotificationLog {
  private entries = new Map<string, NflogEntry>();
  private readonly file: JsonFile<Record<string, NflogEntry>> | null;

  constructor(
    path: string | null,
    private readonly clock: Clock,
  ) {
    this.file = path ? new JsonFile(path) : null;
  }

  async open(): Promise<void> {
    const saved = (await this.file?.read()) ?? {};
    this.entries = new Map(Object.entries(saved));
  }

  get(key: string): NflogEntry | undefined {
    return this.entries.get(key);
  }

  async set(key: string, firing: Iterable<string>, resolved: Iterable<string>): Promise<void> {
    const now = this.clock.now();
    this.entries.set(key, { firing: [...firing], resolved: [...resolved], at: now });
    for (const [k, e] of this.entries) if (e.at < now - RETENTION_MS) this.entries.delete(k);
    await this.file?.write(Object.fromEntries(this.entries));
  }
}

/** Alertmanager's DedupStage.needsUpdate: whether this flush must notify. */
export function needsUpdate(
  entry: NflogEntry | undefined,
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  sendResolved: boolean,
  repeatIntervalMs: number,
  now: number,
): boolean {
  if (!entry) return firing.size > 0;
  const prevFiring = new Set(entry.firing);
  for (const fp of firing) if (!prevFiring.has(fp)) return true;
  // Everything resolved: notify if the receiver was last told about firing alerts.
  if (firing.size === 0) return entry.firing.length > 0;
  if (sendResolved) {
    const prevResolved = new Set(entry.resolved);
    for (const fp of resolved) if (!prevResolved.has(fp)) return true;
  }
  return entry.at < now - repeatIntervalMs;
}
