/**
 * Graceful shutdown for the webhook listener. The API server keeps connections open and may
 * send a review on one at any moment, including one whose bytes we have not read yet because the
 * event loop is busy. So: once draining, every answer says `Connection: close` (clients reconnect,
 * to another replica once endpoints have dropped us); the listener stays open until no review has
 * been in flight for a quiet period, because closing it resets connections still in the accept
 * queue; then the app closes, finishing every review it has accepted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookApp } from './webhook-app.js';

const QUIET_MS = 200;
const POLL_MS = 20;

export class Drain {
  private draining = false;
  private inFlight = 0;
  private lastActivity = 0;

  /** Counts reviews in flight and, while draining, asks each client to close its connection. */
  install(app: WebhookApp): void {
    // Callback-style hooks: they run on every review, and need no promise each.
    app.addHook('onRequest', (_request, _reply, next) => {
      this.inFlight++;
      this.lastActivity = performance.now();
      next();
    });
    app.addHook('onSend', (_request, reply, payload, next) => {
      if (this.draining) void reply.header('connection', 'close');
      next(null, payload);
    });
    const done = () => {
      this.inFlight = Math.max(0, this.inFlight - 1);
      this.lastActivity = performance.now();
    };
    app.addHook('onResponse', (_request, _reply, next) => {
      done();
      next();
    });
    app.addHook('onRequestAbort', (_request, next) => {
      done();
      next();
    });
  }

  begin(): void {
    this.draining = true;
  }

  /**
   * Waits (at most `timeoutMs`) for a quiet period, then closes the app, which stops the listener,
   * drops idle connections and waits for the reviews it is still answering. Returns false when
   * the quiet period never came (continuous load); the app is closed all the same.
   */
  async close(app: WebhookApp, timeoutMs: number): Promise<boolean> {
    this.draining = true;
    const deadline = performance.now() + timeoutMs;
    let quiet = false;
    while (performance.now() < deadline) {
      if (this.inFlight === 0 && performance.now() - this.lastActivity >= QUIET_MS) {
        quiet = true;
        break;
      }
      await sleep(POLL_MS);
    }
    await app.close();
    return quiet;
  }
}
