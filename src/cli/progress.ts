/**
 * A progress line on stderr for long runs: shown only on a terminal, only once the run has
 * taken more than two seconds, redrawn at most ten times a second, erased when done.
 */
export interface Progress {
  update(stage: string, done: number, total: number): void;
  done(): void;
}

export const NO_PROGRESS: Progress = { update: () => {}, done: () => {} };

export function terminalProgress(stream: NodeJS.WriteStream, now: () => number = Date.now, delayMs = 2000): Progress {
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(stage, done, total) {
      const t = now();
      if (t - started < delayMs || t - lastDraw < 100) return;
      lastDraw = t;
      drawn = true;
      const pct = total > 0 ? ` ${Math.floor((100 * done) / total)}%` : '';
      stream.write(`\r\u001b[2Kaudit: ${stage}${pct} (${done}/${total}, ${((t - started) / 1000).toFixed(0)}s)`);
    },
    done() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}
