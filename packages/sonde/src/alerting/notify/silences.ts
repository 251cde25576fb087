// Silences, as Alertmanager has them: matchers (equality or regex, negatable),
// a start and an end, who and why. Kept in the data directory; expiring one
// sets its end to now, so the record stays for the history.
import { randomUUID } from 'node:crypto';
import type { Labels } from '../../storage/types.js';
import type { Clock } from '../clock.js';
import { JsonFile } from '../json-file.js';
import { type CompiledMatcher, compileMatcher, matchesLabels } from './matchers.js';

/** A matcher in Alertmanager's API v2 shape. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  /** false for != and !~ (defaults to true). */
  readonly isEqual?: boolean;
}

export interface Silence {
  readonly id: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly updatedAt: number;
}

export type SilenceState = 'pending' | 'active' | 'expired';

export interface SilenceInput {
  readonly id?: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt?: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

export class SilenceError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 = 400,
  ) {
    super(message);
    this.name = 'SilenceError';
  }
}

function compile(m: SilenceMatcher): CompiledMatcher {
  const eq = m.isEqual !== false;
  return compileMatcher({
    name: m.name,
    value: m.value,
    type: m.isRegex ? (eq ? '=~' : '!~') : eq ? '=' : '!=',
  });
}

export class Silences {
  private readonly byId = new Map<string, Silence>();
  private readonly compiled = new Map<string, CompiledMatcher[]>();
  private readonly file: JsonFile<Silence[]> | null;

  constructor(
    path: string | null,
    private readonly clock: Clock,
  ) {
    this.file = path ? new JsonFile<Silence[]>(path) : null;
  }

  async open(): Promise<void> {
    for (const s of (await this.file?.read()) ?? []) this.set(s);
  }

  private set(s: Silence): void {
    this.byId.set(s.id, s);
    this.compiled.set(s.id, s.matchers.map(compile));
  }

  state(s: Silence, now = this.clock.now()): SilenceState {
    if (s.endsAt <= now) return 'expired';
    return s.startsAt > now ? 'pending' : 'active';
  }

  list(): Silence[] {
    return [...this.byId.values()].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  get(id: string): Silence | undefined {
    return this.byId.get(id);
  }

  /** Creates a silence, or updates the one with `id`; resolves to its id once saved. */
  async upsert(input: SilenceInput): Promise<string> {
    const now = this.clock.now();
    if (!Array.isArray(input.matchers) || input.matchers.length === 0)
      throw new SilenceError('a silence needs at least one matcher');
    for (const m of input.matchers) {
      if (typeof m?.name !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name))
        throw new SilenceError(`invalid label name in matcher: ${JSON.stringify(m?.name)}`);
      if (typeof m.value !== 'string') throw new SilenceError(`matcher ${m.name} needs a string value`);
      try {
        compile(m);
      } catch (e) {
        throw new SilenceError((e as Error).message);
      }
    }
    if (input.matchers.every((m) => compile(m).test(''))) {
      throw new SilenceError(
        'at least one matcher must not match the empty string (a silence must not match every alert)',
      );
    }
    if (!input.createdBy?.trim()) throw new SilenceError('createdBy is required');
    if (!input.comment?.trim()) throw new SilenceError('comment is required');
    const startsAt = input.startsAt ?? now;
    if (!Number.isFinite(startsAt) || !Number.isFinite(input.endsAt))
      throw new SilenceError('startsAt and endsAt must be times');
    if (input.endsAt <= startsAt) throw new SilenceError('endsAt must be after startsAt');
    if (input.endsAt <= now) throw new SilenceError('endsAt is in the past');
    let id = input.id;
    if (id) {
      const old = this.byId.get(id);
      if (!old) throw new SilenceError(`silence ${id} not found`, 404);
      if (this.state(old, now) === 'expired')
        throw new SilenceError(`silence ${id} has expired and cannot be changed`);
    } else id = randomUUID();
    this.set({
      id,
      matchers: input.matchers.map((m) => ({
        name: m.name,
        value: m.value,
        isRegex: !!m.isRegex,
        isEqual: m.isEqual !== false,
      })),
      startsAt: Math.max(startsAt, input.id ? startsAt : now),
      endsAt: input.endsAt,
      createdBy: input.createdBy,
      comment: input.comment,
      updatedAt: now,
    });
    await this.save();
    return id;
  }

  /** Ends a silence now. */
  async expire(id: string): Promise<void> {
    const s = this.byId.get(id);
    if (!s) throw new SilenceError(`silence ${id} not found`, 404);
    const now = this.clock.now();
    if (this.state(s, now) === 'expired') throw new SilenceError(`silence ${id} already expired`);
    this.set({ ...s, endsAt: now, startsAt: Math.min(s.startsAt, now), updatedAt: now });
    await this.save();
  }

  /** Ids of the active silences that mute an alert with these labels. */
  mutedBy(labels: Labels, now = this.clock.now()): string[] {
    const ids: string[] = [];
    for (const s of this.byId.values()) {
      if (this.state(s, now) !== 'active') continue;
      if (matchesLabels(this.compiled.get(s.id)!, labels)) ids.push(s.id);
    }
    return ids;
  }

  private async save(): Promise<void> {
    // Silences that ended more than five days ago are dropped, as Alertmanager's retention does.
    const cutoff = this.clock.now() - 5 * 86_400_000;
    for (const s of this.byId.values()) if (s.endsAt < cutoff) this.byId.delete(s.id);
    await this.file?.write(this.list());
  }
}
