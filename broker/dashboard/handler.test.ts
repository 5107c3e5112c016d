import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardHandler } from './handler.js';

describe('createDashboardHandler on a real HTTP server', () => {
  let server: Server;
  let base: string;
  const logged: string[] = [];

  beforeAll(async () => {
    const dashboard = createDashboardHandler({ mqttWebSocketPath: '/mqtt', log: (m) => logged.push(m) });
    server = createServer((req, res) => {
      if (!dashboard(req, res)) res.writeHead(404).end('next handler');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('serves the page shell with the WebSocket path and a strict content security policy', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<meta name="tidegate-mqtt" content="/mqtt">');
    expect(html).toContain('src="assets/dashboard.js"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('builds the bundle once and serves it gzipped when asked, with no CDN in it', async () => {
    const res = await fetch(`${base}/assets/dashboard.js?v=1`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    const js = await res.text(); // fetch undoes the gzip
    expect(js.length).toBeGreaterThan(10_000);
    expect(js).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
    const raw = await new Promise<Buffer>((resolve, reject) => {
      import('node:http').then(({ get }) =>
        get(`${base}/assets/dashboard.css`, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject),
      );
    });
    expect(gunzipSync(raw).toString()).toContain('.u-over'); // uPlot's CSS is bundled
    expect(logged.filter((m) => m.startsWith('dashboard built'))).toHaveLength(1);
  });

  it('leaves other paths to the next handler and answers GET only', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(404);
    expect(await (await fetch(`${base}/metrics`)).text()).toBe('next handler');
    const post = await fetch(`${base}/`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    const head = await fetch(`${base}/assets/dashboard.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});
