/**
 * Readiness is the conjunction of named checks (certificate, policy, cluster caches, shutdown).
 * /readyz answers 503 with the failing checks until every one passes.
 */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
}

export type Check = () => CheckResult;

export class Readiness {
  private readonly checks = new Map<string, Check>();
  private shuttingDown = false;

  add(name: string, check: Check): void {
    this.checks.set(name, check);
  }

  /** After SIGTERM: unready for good, so the endpoints controller stops routing to us. */
  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  report(): { ready: boolean; checks: Record<string, CheckResult> } {
    const checks: Record<string, CheckResult> = {};
    for (const [name, check] of this.checks) {
      try {
        checks[name] = check();
      } catch (err) {
        checks[name] = { ok: false, detail: `check failed: ${(err as Error).message}` };
      }
    }
    checks.shutdown = this.shuttingDown ? { ok: false, detail: 'shutting down' } : { ok: true, detail: 'serving' };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }
}
