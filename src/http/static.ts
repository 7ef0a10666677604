import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from './app.js';

/** Where `vite build` puts the dashboard (web/vite.config.ts). */
export const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>HashForge</title>
<p>The dashboard has not been built. Run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it), then reload.
The API is at <a href="/api/docs">/api/docs</a>.</p>`;

/**
 * Serves the built dashboard at /. Any other GET that is not under /api and matches no file gets
 * index.html, so that a reload on /fleet/machines/42 opens the page the browser was on.
 */
export async function registerDashboard(app: HttpApp, dir = DASHBOARD_DIR): Promise<PageFallback> {
  if (!existsSync(join(dir, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html').send(NOT_BUILT));
    return () => false;
  }
  await app.register(fastifyStatic, {
    root: dir,
    index: 'index.html',
    // Files under assets/ carry a content hash in their names; index.html must be re-read every time.
    setHeaders(reply, path) {
      void reply.header(
        'cache-control',
        path.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (!['GET', 'HEAD'].includes(req.method) || path === '/api' || path.startsWith('/api/')) return false;
    // A missing file (an old /assets/index-*.js) is a 404, not a page.
    if (/\.[A-Za-z0-9]+$/.test(path)) return false;
    void reply.header('cache-control', 'no-cache').sendFile('index.html');
    return true;
  };
}

/** For the not-found handler: answers a page path with index.html; false when it is not one. */
export type PageFallback = (req: FastifyRequest, reply: FastifyReply) => boolean;
