/**
 * Uploading a body the server must refuse, with curl: a client everyone has, whose behaviour is
 * the one to expect from real callers, and a line anyone can rerun by hand. Two ways:
 *
 * - streaming (`-H 'Expect:'`): the body goes out at once, and is still going out when the server
 *   answers 413 and closes;
 * - `Expect: 100-continue` (curl's default for large or chunked bodies): curl sends the headers,
 *   waits for the server's go-ahead, and only then the body.
 *
 * The answer counts only if curl read it: HTTP status and JSON body. A send failure with no
 * status (curl's "(55) Send failure: Broken pipe", status 000) means the answer never reached it.
 */
import { execFile } from 'node:child_process';

export interface UploadResult {
  readonly size: number;
  readonly chunked: boolean;
  readonly streaming: boolean;
  /** 0 when no answer was read. */
  readonly status: number;
  readonly json?: { error?: string; message?: string };
  /** Bytes of the body curl sent before it stopped. */
  readonly uploaded: number;
  readonly totalMs: number;
  /** curl's own error line, if any. */
  readonly curlError?: string;
}

export interface Upload {
  readonly url: string;
  readonly caFile: string;
  /** A file holding the body. */
  readonly file: string;
  readonly size: number;
  readonly chunked: boolean;
  readonly streaming: boolean;
}

function curlArgs(u: Upload): string[] {
  return [
    '-sS',
    '--max-time',
    '30',
    '--cacert',
    u.caFile,
    '-H',
    'Content-Type: application/json',
    ...(u.streaming ? ['-H', 'Expect:'] : []),
    ...(u.chunked ? ['-H', 'Transfer-Encoding: chunked'] : []),
    '--data-binary',
    `@${u.file}`,
    '-w',
    '\n%{http_code} %{size_upload} %{time_total}',
    `${u.url}/validate`,
  ];
}

export function curlUpload(u: Upload): Promise<UploadResult> {
  return new Promise((resolve) => {
    execFile('curl', curlArgs(u), { maxBuffer: 1024 * 1024 }, (_error, stdout, stderr) => {
      const cut = stdout.lastIndexOf('\n');
      const [status, uploaded, total] = stdout.slice(cut + 1).trim().split(' ').map(Number);
      let json: UploadResult['json'];
      try {
        json = JSON.parse(stdout.slice(0, Math.max(0, cut))) as UploadResult['json'];
      } catch {
        json = undefined;
      }
      resolve({
        size: u.size,
        chunked: u.chunked,
        streaming: u.streaming,
        status: status ?? 0,
        ...(json ? { json } : {}),
        uploaded: uploaded ?? 0,
        totalMs: (total ?? NaN) * 1000,
        ...(stderr.trim() ? { curlError: stderr.trim().split('\n')[0] } : {}),
      });
    });
  });
}
