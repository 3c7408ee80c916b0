/**
 * The serving certificate as a source with health: loaded and validated at open, watched for
 * rotation, swapped in only when the new pair is good, and described by state() for /readyz and
 * metrics. A broken rotation keeps the previous certificate in service and is reported, not fatal.
 *
 * Kubernetes updates a Secret volume by writing a new timestamped directory and renaming the
 * `..data` symlink over the old one, so the files we were given never change in place: we watch
 * their directories (a rename there is an event) and also poll a content hash, because inotify does
 * not cross every volume type and its events can be dropped.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { NpgError, describeError } from '../errors.js';
import { describeCert, readSnapshot, validateSnapshot, type CertificateFiles, type LoadedCertificate } from './load.js';
import { FileWatch } from '../util/watch-files.js';
import { hardenedContext, type TlsContextOptions } from './options.js';

export { TLS_CIPHERS, tlsServerOptions, type TlsContextOptions } from './options.js';

/** pino-compatible; only the three levels used here. */
export interface CertificateLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface CertificateSourceOptions extends CertificateFiles {
  logger?: CertificateLogger;
  /** Content-hash poll, the fallback to file watching; 0 turns it off. Default 10 s. */
  pollIntervalMs?: number;
  /** Watch the files' directories. Default true. */
  watch?: boolean;
  /** Quiet time after a watch event before checking: a rotation is several renames. Default 200 ms. */
  debounceMs?: number;
  /** Attempts at a changed pair before declaring it broken: it may be half-written. Default 5. */
  retryAttempts?: number;
  /** Pause between attempts. Default 250 ms (5 attempts ≈ 1 s). */
  retryDelayMs?: number;
}

export interface CertificateState {
  /** A certificate is loaded and within its validity period, and the source is open. */
  ready: boolean;
  subject: string;
  sans: string[];
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
  loadedAt: Date;
  /** Successful reloads since open. */
  reloads: number;
  /** Rotations rejected since open (each distinct broken content counts once). */
  failures: number;
  lastError?: string;
  lastErrorAt?: Date;
}

const silent: CertificateLogger = { info() {}, warn() {}, error() {} };

type SourceEvents = {
  reload: [options: TlsContextOptions, state: CertificateState];
  reloadError: [error: NpgError, state: CertificateState];
};

export class CertificateSource extends EventEmitter<SourceEvents> {
  private current: LoadedCertificate;
  private loadedAt = new Date();
  private reloads = 0;
  private failures = 0;
  private lastError?: { message: string; at: Date };
  /** Hash of the last content rejected, so a poll does not count the same broken files again. */
  private failedHash?: string;
  private closed = false;
  private watcher?: FileWatch;
  private readonly abort = new AbortController();
  private readonly log: CertificateLogger;

  /** Loads and validates the files (throwing NpgError with the reason), then starts watching. */
  static async open(options: CertificateSourceOptions): Promise<CertificateSource> {
    const loaded = validateSnapshot(await readSnapshot(options), options, new Date());
    const source = new CertificateSource(options, loaded);
    source.start();
    source.log.info(
      { certFile: options.certFile, subject: loaded.subject, sans: loaded.sans, notAfter: loaded.notAfter.toISOString() },
      'TLS certificate loaded',
    );
    return source;
  }

  private constructor(
    private readonly options: CertificateSourceOptions,
    loaded: LoadedCertificate,
  ) {
    super();
    this.current = loaded;
    this.log = options.logger ?? silent;
  }

  /** The current pair as `server.setSecureContext` takes it, hardening included. */
  secureContextOptions(): TlsContextOptions {
    return hardenedContext(this.current);
  }

  state(): CertificateState {
    const now = Date.now();
    const c = this.current;
    return {
      ready: !this.closed && c.notBefore.getTime() <= now && now < c.notAfter.getTime(),
      subject: c.subject,
      sans: [...c.sans],
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      fingerprint256: c.leaf.fingerprint256,
      loadedAt: this.loadedAt,
      reloads: this.reloads,
      failures: this.failures,
      ...(this.lastError ? { lastError: this.lastError.message, lastErrorAt: this.lastError.at } : {}),
    };
  }

  /** Checks the files now, as a watch event or poll would. Resolves when the check is done. */
  check(): Promise<void> {
    return this.watcher?.trigger() ?? Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.watcher?.close();
  }

  private start(): void {
    const { certFile, keyFile, clientCAFile, pollIntervalMs = 10_000, watch = true, debounceMs = 200 } = this.options;
    this.watcher = new FileWatch({
      files: [certFile, keyFile, ...(clientCAFile ? [clientCAFile] : [])],
      check: () => this.checkOnce(),
      logger: this.log,
      what: 'TLS certificate',
      pollIntervalMs,
      watch,
      debounceMs,
    });
  }

  private async checkOnce(): Promise<void> {
    const attempts = Math.max(1, this.options.retryAttempts ?? 5);
    let snapshot = await readSnapshot(this.options);
    if (snapshot.hash === this.current.hash || snapshot.hash === this.failedHash) return;
    for (let attempt = 1; ; attempt++) {
      let loaded: LoadedCertificate;
      try {
        loaded = validateSnapshot(snapshot, this.options, new Date());
      } catch (error) {
        const err = error instanceof NpgError ? error : new NpgError('NPG_TLS_CERT_INVALID', describeError(error), { cause: error });
        if (attempt >= attempts) return this.reject(err, snapshot.hash, attempt);
        this.log.warn({ attempt, err: err.toString() }, 'changed TLS certificate files are not usable yet; retrying');
        try {
          await sleep(this.options.retryDelayMs ?? 250, undefined, { signal: this.abort.signal });
        } catch {
          return; // closed while waiting
        }
        snapshot = await readSnapshot(this.options);
        if (snapshot.hash === this.current.hash) return; // rotated back to what we serve
        continue;
      }
      return this.accept(loaded);
    }
  }

  private accept(loaded: LoadedCertificate): void {
    if (this.closed) return;
    this.current = loaded;
    this.loadedAt = new Date();
    this.reloads++;
    this.failedHash = undefined;
    this.log.info(
      { certFile: this.options.certFile, subject: loaded.subject, sans: loaded.sans, notAfter: loaded.notAfter.toISOString() },
      'TLS certificate reloaded',
    );
    try {
      this.emit('reload', this.secureContextOptions(), this.state());
    } catch (error) {
      this.lastError = { message: `applying the reloaded certificate failed: ${describeError(error)}`, at: new Date() };
      this.log.error({ err: describeError(error) }, 'applying the reloaded TLS certificate failed');
    }
  }

  private reject(error: NpgError, hash: string, attempts: number): void {
    if (this.closed) return;
    this.failures++;
    this.failedHash = hash;
    this.lastError = { message: error.toString(), at: new Date() };
    this.log.error(
      { err: error.toString(), code: error.code, attempts, serving: describeCert(this.current.leaf) },
      'TLS certificate reload failed; still serving the previous certificate',
    );
    this.emit('reloadError', error, this.state());
  }
}
