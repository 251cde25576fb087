// Serves the built dashboard at `/`, with index.html for client-side routes.
// When the dashboard was never built, `/` says how to build it instead of a 404.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export function dashboardDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('@sonde/dashboard/package.json')), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : null;
  } catch {
    return null;
  }
}

const API_PREFIXES = ['/api/', '/-/', '/metrics', '/v1/'];

export async function dashboardAssets(app: FastifyInstance, dir: string | null): Promise<void> {
  if (dir) {
    await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: false, index: ['index.html'] });
  } else {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>sonde</title><h1>sonde is running</h1>' +
            '<p>The dashboard has not been built. Run <code>npm run build</code> (or <code>npm start</code>) ' +
            'from the repository root. The API is at <a href="/api/v1/labels">/api/v1/</a>, ' +
            'metrics at <a href="/metrics">/metrics</a>.</p>',
        ),
    );
  }
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0];
    const isApi = API_PREFIXES.some((p) => path.startsWith(p));
    if (dir && req.method === 'GET' && !isApi && !path.includes('.')) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    return reply
      .code(404)
      .send({ status: 'error', errorType: 'not_found', error: `no route for ${req.method} ${path}` });
  });
}
