// The sign-in page and the session endpoints. The page is a plain HTML form
// (no script, so the strict CSP holds); the endpoint also takes JSON.
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, type SessionStore, readCookie } from './sessions.js';
import type { TokenStore } from './token-store.js';

const LOGIN_PAGE = (message: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · sonde</title>
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;background:#0f1419;color:#e6e9ee}
form{background:#1a2129;padding:28px;border-radius:10px;width:min(360px,90vw);box-shadow:0 4px 24px #0006}
h1{margin:0 0 16px;font-size:20px}label{display:block;margin-bottom:6px}input{width:100%;box-sizing:border-box;padding:10px;border-radius:6px;border:1px solid #3a4654;background:#0f1419;color:inherit;font:inherit}
button{margin-top:14px;width:100%;padding:10px;border:0;border-radius:6px;background:#3d8bfd;color:#fff;font:inherit;cursor:pointer}
button:focus-visible,input:focus-visible{outline:3px solid #9ec5fe;outline-offset:2px}p.err{color:#ff8a80}</style></head>
<body><form method="post" action="/api/sonde/v1/session"><h1>Sign in to sonde</h1>
${message ? `<p class="err" role="alert">${message}</p>` : ''}
<label for="token">API token</label><input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></body></html>`;

export function loginRoutes(
  app: FastifyInstance,
  tokens: TokenStore,
  sessions: SessionStore,
  secure: boolean,
): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
  app.get('/login', async (req, reply) => {
    const failed = (req.query as { failed?: string }).failed !== undefined;
    return reply.type('text/html; charset=utf-8').send(LOGIN_PAGE(failed ? 'That token is not valid.' : ''));
  });
  app.post('/api/sonde/v1/session', async (req, reply) => {
    const token = (req.body as { token?: unknown } | undefined)?.token;
    const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const record = typeof token === 'string' ? tokens.verify(token.trim()) : null;
    if (!record) {
      if (form) return reply.redirect('/login?failed', 303);
      return reply
        .code(401)
        .send({ status: 'error', errorType: 'unauthorized', error: 'the token is not valid' });
    }
    const { id, maxAgeSeconds } = sessions.create(record);
    reply.header(
      'Set-Cookie',
      `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`,
    );
    if (form) return reply.redirect('/', 303);
    return reply.send({ status: 'success', data: { role: record.role, expiresInSeconds: maxAgeSeconds } });
  });
  app.delete('/api/sonde/v1/session', async (req, reply) => {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (id) sessions.end(id);
    reply.header('Set-Cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    return reply.send({ status: 'success' });
  });
}
