/**
 * Drain on a real fastify server on loopback: which answers say `Connection: close`, and when
 * close() finds the quiet moment it waits for. (Shutdown of the whole server under load is in
 * operations.test.ts.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import t, { type Test } from 'tap';
import { Drain } from '../../src/server/drain.js';
import type { WebhookApp } from '../../src/server/webhook-app.js';

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly text: string;
}

/** An app whose /slow answers only when the test lets it (one release per request, in order). */
async function drainedApp(t: Test) {
  const app = Fastify();
  const waiting: (() => void)[] = [];
  let arrived: () => void = () => {};
  app.get('/fast', async () => 'fast');
  app.get('/slow', async () => {
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      arrived();
    });
    return 'slow';
  });
  const drain = new Drain();
  drain.install(app as unknown as WebhookApp);
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const port = (app.server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  t.teardown(() => agent.destroy());
  const get = (path: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
      });
      req.on('error', reject);
    });
  /** Resolves once a /slow request is waiting in its handler. */
  const slowArrived = () => new Promise<void>((resolve) => (arrived = resolve));
  const release = () => waiting.shift()?.();
  return { app, drain, port, get, slowArrived, release, waiting };
}

t.test('answers keep the connection before the drain and close it once draining, in-flight ones included', async (t) => {
  const s = await drainedApp(t);
  const before = await s.get('/fast');
  t.same([before.status, before.text, before.connection], [200, 'fast', 'keep-alive'], 'before the drain: keep-alive');

  const arrived = s.slowArrived();
  const inFlight = s.get('/slow');
  await arrived;
  s.drain.begin();
  s.release();
  const answer = await inFlight;
  t.same([answer.status, answer.text, answer.connection], [200, 'slow', 'close'], 'a review accepted before the drain and answered during it: Connection: close');

  const after = await s.get('/fast');
  t.same([after.status, after.text, after.connection], [200, 'fast', 'close'], 'a review arriving while draining: Connection: close');
  const missing = await s.get('/nothing');
  t.same([missing.status, missing.connection], [404, 'close'], 'any answer while draining, not only the routes: Connection: close');
});

t.test('close() waits for the reviews in flight, then for a quiet moment', async (t) => {
  const s = await drainedApp(t);
  const arrived = s.slowArrived();
  const inFlight = s.get('/slow');
  await arrived;
  let closed = false;
  const closing = s.drain.close(s.app as unknown as WebhookApp, 10_000).then((quiet) => {
    closed = true;
    return quiet;
  });
  await new Promise((resolve) => setTimeout(resolve, 400));
  t.equal(closed, false, 'not closed while a review is still being answered, well past the quiet period');
  s.release();
  const answer = await inFlight;
  t.same([answer.status, answer.connection], [200, 'close'], 'the review in flight is answered, with Connection: close');
  t.equal(await closing, true, 'a quiet moment came');
});

t.test('a client that goes away before its answer does not hold the drain', async (t) => {
  const s = await drainedApp(t);
  const arrived = s.slowArrived();
  const socket = await new Promise<import('node:net').Socket>((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: s.port, path: '/slow', agent: false });
    req.on('error', () => {});
    req.on('socket', resolve);
  });
  await arrived;
  socket.destroy();
  t.equal(await s.drain.close(s.app as unknown as WebhookApp, 5_000), true, 'the abandoned review no longer counts: a quiet moment came');
  s.release();
});

t.test('a drain that never sees a quiet moment says so, and still closes', async (t) => {
  const s = await drainedApp(t);
  const arrived = s.slowArrived();
  const answer = s.get('/slow');
  await arrived;
  // The app's close waits for the review it is answering, so the review ends after the bound.
  const closing = s.drain.close(s.app as unknown as WebhookApp, 300);
  await new Promise((resolve) => setTimeout(resolve, 500));
  s.release();
  t.equal(await closing, false, 'no quiet moment within the bound');
  t.equal((await answer).status, 200, 'the review it was answering still got its answer');
});
