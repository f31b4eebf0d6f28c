import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadSettings, serviceSettings } from './config.ts';
import { createService } from './create-service.ts';
import { notFound } from './errors.ts';

/** Load shedding is off (0) unless a test turns it on: a busy test machine must not answer 503. */
const NO_SHEDDING = { PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0', PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '0' };

async function buildKitApp(env: Record<string, string> = {}) {
  const settings = loadSettings(serviceSettings, {
    LOG_LEVEL: 'silent',
    BODY_LIMIT_BYTES: '2048',
    ...NO_SHEDDING,
    ...env,
  });
  const app = await createService({
    name: 'kit-test',
    description: 'the shared kit under test',
    settings,
    checkReady: async () => {},
    accessTokens: { keys: async () => new Uint8Array(32) },
  });
  app.post(
    '/things/:id',
    {
      schema: {
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: z.strictObject({ name: z.string().min(2), quantity: z.number().int().min(1) }),
        response: { 200: z.object({ id: z.number(), name: z.string() }) },
      },
    },
    async (request) => {
      if (request.params.id === 404) throw notFound('thing 404 does not exist');
      if (request.params.id === 500) throw new Error('database password=hunter2 leaked in a message');
      return { id: request.params.id, name: request.body.name };
    },
  );
  await app.ready();
  return app;
}

describe('the shared service kit', () => {
  it('answers bad bodies with 400 naming the field, and refuses unknown fields', async () => {
    const app = await buildKitApp();
    const bad = await app.inject({ method: 'POST', url: '/things/1', payload: { name: 'ok', quantity: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad_request', details: { field: 'body.quantity' } });
    const extra = await app.inject({
      method: 'POST',
      url: '/things/1',
      payload: { name: 'ok', quantity: 1, isAdmin: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().details.field).toBe('body.isAdmin');
    const param = await app.inject({
      method: 'POST',
      url: '/things/abc',
      payload: { name: 'ok', quantity: 1 },
    });
    expect(param.json().details.field).toBe('params.id');
    await app.close();
  });

  it('hides 5xx details, keeps 4xx messages, and carries the request id', async () => {
    const app = await buildKitApp();
    const failed = await app.inject({
      method: 'POST',
      url: '/things/500',
      headers: { 'x-request-id': 'abc-123' },
      payload: { name: 'ok', quantity: 1 },
    });
    expect(failed.statusCode).toBe(500);
    expect(failed.headers['x-request-id']).toBe('abc-123');
    expect(failed.body).not.toContain('hunter2');
    expect(failed.body).not.toContain('at ');
    expect(failed.json()).toEqual({ error: 'internal_error', message: expect.stringContaining('abc-123') });
    const missing = await app.inject({
      method: 'POST',
      url: '/things/404',
      payload: { name: 'ok', quantity: 1 },
    });
    expect(missing.json()).toEqual({ error: 'not_found', message: 'thing 404 does not exist' });
    const noRoute = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(noRoute.statusCode).toBe(404);
    expect(noRoute.json().error).toBe('not_found');
    const evil = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'a b\nc' } });
    expect(evil.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await app.close();
  });

  it('refuses bodies over the limit and malformed JSON with 4xx', async () => {
    const app = await buildKitApp();
    const big = await app.inject({
      method: 'POST',
      url: '/things/1',
      payload: { name: 'x'.repeat(5000), quantity: 1 },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toBe('fst_err_ctp_body_too_large');
    const broken = await app.inject({
      method: 'POST',
      url: '/things/1',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(broken.statusCode).toBe(400);
    await app.close();
  });

  it('serves health, readiness, metrics by route template, OpenAPI and security headers', async () => {
    const app = await buildKitApp();
    expect((await app.inject({ url: '/health' })).json()).toMatchObject({
      status: 'ok',
      service: 'kit-test',
    });
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/things/7', payload: { name: 'ok', quantity: 1 } });
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/things\/:id"[^}]*status_code="200"/,
    );
    expect(metrics).not.toContain('/things/7');
    const doc = (await app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/things/{id}');
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['strict-transport-security']).toBeDefined();
    await app.close();
  });

  it('sheds load with 503 while the event loop is blocked, and recovers', async () => {
    const app = await buildKitApp({ PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '100' });
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    // Block the loop across one of under-pressure's one-second samples, then let its timer run.
    const until = Date.now() + 1300;
    while (Date.now() < until) {}
    await new Promise((resolve) => setTimeout(resolve, 20));
    const shed = await app.inject({ url: '/health' });
    expect(shed.statusCode).toBe(503);
    expect(shed.json().error).toBe('overloaded');
    expect(shed.headers['retry-after']).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    await app.close();
  });

  it('finishes requests in flight when it shuts down, and refuses new ones', async () => {
    const settings = loadSettings(serviceSettings, { LOG_LEVEL: 'silent', ...NO_SHEDDING });
    const app = await createService({
      name: 'kit-test',
      description: 'x',
      settings,
      checkReady: async () => {},
    });
    let release: () => void = () => {};
    const entered = new Promise<void>((resolve) => {
      app.get('/slow', async () => {
        resolve();
        await new Promise<void>((r) => {
          release = r;
        });
        return { done: true };
      });
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const inFlight = fetch(`${url}/slow`);
    await entered;
    const closed = app.close();
    release();
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ done: true });
    await closed;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});
