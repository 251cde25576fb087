// Serves the built dashboard at `/`, with index.html for client-side routes.
//
// Files are looked up on disk per request (a wildcard route, not one route
// per file found at start), so rebuilding the dashboard while sonde runs
// works: the new hashed asset names are served, and index.html (never
// cached) points the browser at them. Hashed assets are cached for good.
// Until the dashboard is built, `/` says how to build it instead of a 404.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** The dashboard package's dist/ folder (built or not yet), or null when the package is absent. */
export function dashboardDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@sonde/dashboard/package.json')), 'dist');
  } catch {
    return null;
  }
}

const API_PREFIXES = ['/api/', '/-/', '/metrics', '/v1/'];

const NOT_BUILT =
  '<!doctype html><title>sonde</title><h1>sonde is running</h1>' +
  '<p>The dashboard has not been built. Run <code>npm run build</code> (or <code>npm start</code>) ' +
  'from the repository root. The API is at <a href="/api/v1/labels">/api/v1/</a>, ' +
  'metrics at <a href="/metrics">/metrics</a>.</p>';

export async function dashboardAssets(app: FastifyInstance, dir: string | null): Promise<void> {
  if (dir) {
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      wildcard: true,
      // `/` and client-side routes get index.html from the not-found handler below.
      index: false,
      // A missing dist/ (not built yet) is fine: files are looked up per request.
      suppressWarning: true,
      cacheControl: false,
      setHeaders: (reply, path) => {
        // Vite names assets by content hash: a changed file gets a new name.
        if (/[/\\]assets[/\\]/.test(path))
          reply.header('cache-control', 'public, max-age=31536000, immutable');
        else reply.header('cache-control', 'no-cache');
      },
    });
  }
  /** index.html, or the not-built page at `/`; false when neither applies. */
  const page = (path: string, reply: FastifyReply) => {
    if (dir && existsSync(join(dir, 'index.html'))) {
      return reply
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .sendFile('index.html', dir, { cacheControl: false });
    }
    if (path === '/') return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    return false;
  };
  // Before the wildcard: `/` is a directory to it.
  app.get('/', async (_req, reply) => page('/', reply));
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0];
    const isApi = API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p));
    if ((req.method === 'GET' || req.method === 'HEAD') && !isApi && !path.includes('.')) {
      const sent = page(path, reply);
      if (sent) return sent;
    }
    return reply
      .code(404)
      .send({ status: 'error', errorType: 'not_found', error: `no route for ${req.method} ${path}` });
  });
}
