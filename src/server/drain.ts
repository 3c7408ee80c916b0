/**
 * Graceful shutdown for the webhook listener. The API server keeps connections open and may
 * send a review on one at any moment, including one whose bytes we have not read yet because the
 * event loop is busy. So: once draining, every answer says `Connection: close` (clients reconnect,
 * to another replica once endpoints have dropped us); the listener stays open until no review has
 * been in flight for a quiet period, because closing it resets connections still in the accept
 * queue; then the app closes, finishing every review it has accepted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookApp } from './webhook-app.js';

const QUIET_MS = 200;
const POLL_MS = 20;

export class Drain {
  private draining = false;
  /** Answers not yet finished or abandoned: the reviews in flight. */
  private readonly inFlight = new Set<ServerResponse>();
  private lastActivity = 0;

  /**
   * Counts reviews in flight and, while draining, asks each client to close its connection.
   * On node's server rather than through fastify hooks: a hook costs every review a hook runner
   * and its callbacks, where this costs a set entry and one listener (bench/results.md).
   */
  install(app: WebhookApp): void {
    const settled = (res: ServerResponse) => {
      this.inFlight.delete(res);
      this.lastActivity = performance.now();
    };
    // 'close' comes once per response, whether it was sent or the client went away first. The
    // listener is one function for every response: `this` is the response that closed.
    function onClose(this: ServerResponse) {
      settled(this);
    }
    // Added before fastify's own listener runs the route, so a review counts from its first byte.
    app.server.prependListener('request', (_request: IncomingMessage, res: ServerResponse) => {
      this.inFlight.add(res);
      this.lastActivity = performance.now();
      // Node then writes `Connection: close` and closes the connection after this answer.
      if (this.draining) res.shouldKeepAlive = false;
      res.on('close', onClose);
    });
  }

  begin(): void {
    if (this.draining) return;
    this.draining = true;
    // Reviews accepted before the drain began are answered with `Connection: close` too, unless
    // their answer has already gone out.
    for (const res of this.inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
  }

  /**
   * Waits (at most `timeoutMs`) for a quiet period, then closes the app, which stops the listener,
   * drops idle connections and waits for the reviews it is still answering. Returns false when
   * the quiet period never came (continuous load); the app is closed all the same.
   */
  async close(app: WebhookApp, timeoutMs: number): Promise<boolean> {
    this.begin();
    const deadline = performance.now() + timeoutMs;
    let quiet = false;
    while (performance.now() < deadline) {
      if (this.inFlight.size === 0 && performance.now() - this.lastActivity >= QUIET_MS) {
        quiet = true;
        break;
      }
      await sleep(POLL_MS);
    }
    await app.close();
    return quiet;
  }
}
