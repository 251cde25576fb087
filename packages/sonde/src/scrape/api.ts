// GET /api/v1/targets in Prometheus's shape (state and scrapePool filters),
// for Grafana, promtool-style tooling and sonde's own UI.
import type { FastifyInstance } from 'fastify';
import type { RoutePlugin } from '../api/deps.js';
import type { ScrapeManager } from './manager.js';

export function targetsApi(manager: ScrapeManager): RoutePlugin {
  return (app: FastifyInstance) => {
    app.get('/api/v1/targets', async (req, reply) => {
      const q = req.query as Record<string, string | string[] | undefined>;
      const state = String(q.state ?? 'any').toLowerCase();
      const pool = typeof q.scrapePool === 'string' ? q.scrapePool : undefined;
      if (!['any', 'active', 'dropped'].includes(state)) {
        return reply.code(400).send({
          status: 'error',
          errorType: 'bad_data',
          error: `invalid state "${state}": use active, dropped or any`,
        });
      }
      const view = manager.targets();
      const active = view.activeTargets.filter((t) => pool === undefined || t.scrapePool === pool);
      const dropped = view.droppedTargets.filter(
        (t) => pool === undefined || t.discoveredLabels.job === pool,
      );
      return {
        status: 'success',
        data: {
          activeTargets: state === 'dropped' ? [] : active,
          droppedTargets: state === 'active' ? [] : dropped,
        },
      };
    });
  };
}
