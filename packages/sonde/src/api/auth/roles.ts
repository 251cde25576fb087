// Which role each request needs. One table for the whole API, so a new
// route is read-only unless it is listed here as ingest or admin.
import type { Role } from './token-store.js';

const WRITE_PATHS = [
  /^\/api\/v1\/write$/,
  /^\/api\/v1\/import\//,
  /^\/v1\/metrics$/,
  /^\/api\/sonde\/v1\/push$/,
];
const ADMIN_PATHS = [
  /^\/-\/reload$/,
  /^\/api\/v1\/admin\//,
  /^\/api\/sonde\/v1\/(silences|tokens|storage\/(delete|compact|retention))/,
];
/** Reachable without a token: probes of liveness and readiness, and signing in. */
const OPEN_PATHS = [/^\/-\/(healthy|ready)$/, /^\/login$/, /^\/api\/sonde\/v1\/session$/];

export function requiredRole(method: string, path: string): Role | null {
  if (OPEN_PATHS.some((p) => p.test(path))) return null;
  if (ADMIN_PATHS.some((p) => p.test(path))) {
    // Reading silences is a read; creating or expiring them is an admin action.
    if (/^\/api\/sonde\/v1\/silences/.test(path) && method === 'GET') return 'read';
    return 'admin';
  }
  if (method === 'DELETE') return 'admin';
  if (WRITE_PATHS.some((p) => p.test(path))) return 'write';
  return 'read';
}

/** admin may do everything; read and write are separate powers. */
export function roleAllows(have: Role, need: Role): boolean {
  return have === 'admin' || have === need;
}
