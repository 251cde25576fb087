// Dashboard sign-in: a token is exchanged once for an HTTP-only,
// SameSite=Strict session cookie, so the token never sits in the page's
// JavaScript. Sessions live in memory: a restart signs everyone out.
import { randomBytes } from 'node:crypto';
import type { TokenRecord } from './token-store.js';

export const SESSION_COOKIE = 'sonde_session';
const DEFAULT_TTL_MS = 12 * 3600_000;
const MAX_SESSIONS = 10_000;

interface Session {
  readonly record: TokenRecord;
  readonly expires: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs = DEFAULT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  create(record: TokenRecord): { id: string; maxAgeSeconds: number } {
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) {
      // Oldest first: Map iteration follows insertion order.
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { record, expires: this.now() + this.ttlMs });
    return { id, maxAgeSeconds: Math.floor(this.ttlMs / 1000) };
  }

  /** The token record behind a live session; `stillValid` re-checks that the token was not revoked. */
  resolve(id: string, stillValid: (record: TokenRecord) => boolean): TokenRecord | null {
    const s = this.sessions.get(id);
    if (!s) return null;
    if (s.expires <= this.now() || !stillValid(s.record)) {
      this.sessions.delete(id);
      return null;
    }
    return s.record;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  private prune(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (s.expires <= t) this.sessions.delete(id);
  }
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
