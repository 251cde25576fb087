// Authentication on every request when sonde is exposed: Bearer tokens, or
// Basic auth whose password is a token (for scrapers that only speak Basic).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requiredRole, roleAllows } from './roles.js';
import { SESSION_COOKIE, type SessionStore, readCookie } from './sessions.js';
import type { TokenRecord, TokenStore } from './token-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    sondeToken?: TokenRecord;
  }
}

function presentedToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return null;
}

export function installAuth(app: FastifyInstance, tokens: TokenStore, sessions?: SessionStore): void {
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0];
    const need = requiredRole(req.method, path);
    if (need === null) return;
    const token = presentedToken(req);
    let record = token ? tokens.verify(token) : null;
    if (!record && !token && sessions) {
      const session = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (session) record = sessions.resolve(session, (r) => tokens.has(r.id));
    }
    if (!record) {
      // A person opening a page in a browser goes to the sign-in form instead of a JSON error.
      if (!token && req.method === 'GET' && String(req.headers.accept ?? '').includes('text/html')) {
        return reply.redirect('/login', 303);
      }
      reply.header('WWW-Authenticate', 'Bearer realm="sonde", Basic realm="sonde"');
      return reply.code(401).send({
        status: 'error',
        errorType: 'unauthorized',
        error: token
          ? 'the token is not valid'
          : 'authentication required: send Authorization: Bearer <token>',
      });
    }
    if (!roleAllows(record.role, need)) {
      return reply.code(403).send({
        status: 'error',
        errorType: 'forbidden',
        error: `this token has role ${record.role}; ${req.method} ${path} needs ${need}`,
      });
    }
    req.sondeToken = record;
  });
}
