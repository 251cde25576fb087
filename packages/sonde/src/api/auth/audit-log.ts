// Admin actions (token changes, deletions, retention changes, silences) as
// JSON lines in <data_dir>/audit.log: who, what, when. Never the secret.
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';

export interface AuditEntry {
  readonly action: string;
  /** Token id, "cli" for the local command line, or "loopback" for unauthenticated local calls. */
  readonly actor: string;
  readonly detail?: Record<string, unknown>;
}

export async function audit(dataDir: string, entry: AuditEntry): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const line = JSON.stringify({ time: new Date().toISOString(), ...entry });
  await appendFile(join(dataDir, 'audit.log'), `${line}\n`, { mode: 0o600 });
}

/** Who made an HTTP request, for the audit log: its token's id, or "loopback" when none was needed. */
export function requestActor(req: FastifyRequest): string {
  return req.sondeToken?.id ?? 'loopback';
}
