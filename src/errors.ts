/**
 * Errors with stable codes. Every code is documented in docs/errors.md (a test keeps the two in
 * step), so an operator can look up any message the server or the CLI prints.
 */
export const ERROR_CODES = {
  NPG_TLS_CERT_UNREADABLE: 'A TLS certificate or key file cannot be read.',
  NPG_TLS_CERT_INVALID: 'A TLS certificate or key is not valid PEM, or the key does not match the certificate.',
  NPG_TLS_CERT_EXPIRED: 'The serving certificate has expired or is not yet valid.',
  NPG_TLS_CLIENT_CA_INVALID: 'The client CA bundle given with --client-ca cannot be read or parsed.',
  NPG_TLS_GENERATE_FAILED: 'The development certificates could not be generated or written.',
  NPG_POLICY_UNREADABLE: 'The org-policy file cannot be read.',
  NPG_POLICY_INVALID: 'The org-policy file is not valid YAML or does not match the schema.',
  NPG_OPTION_INVALID: 'A command-line option or its environment variable has an invalid value.',
  NPG_LISTEN_FAILED: 'A listener could not bind its address.',
  NPG_CLUSTER_CONFIG: 'No usable Kubernetes client configuration was found.',
  NPG_INPUT_UNREADABLE: 'An input file or directory given to the CLI cannot be read.',
  NPG_INPUT_INVALID: 'An input document is not valid YAML or JSON.',
  NPG_CLUSTER_STATE_INVALID: 'A --cluster-state file holds something that is not a usable Kubernetes object.',
  NPG_INPUT_TOO_LARGE: 'The cluster state or the question asked of it is over a limit set by a flag (--max-pods, --max-flows).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class NpgError extends Error {
  override readonly name = 'NpgError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** `NPG_X: message` — what logs and the CLI print. */
  override toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** A readable one-line description of anything thrown (never `{}` or `[object Object]`). */
export function describeError(err: unknown): string {
  if (err instanceof NpgError) return err.toString();
  if (err instanceof Error) return err.message;
  if (err !== null && typeof err === 'object') {
    try {
      return JSON.stringify(err);
    } catch {
      return Object.prototype.toString.call(err);
    }
  }
  return String(err);
}
