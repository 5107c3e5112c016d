/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never into a log or a pipe):
 * how much of the time range is done, the rows written and their rate. Redrawn at most 10 times a second.
 */
export interface Progress {
  update(doneNs: bigint, rows: number): void;
  finish(rows: number): void;
}

export function createProgress(fromNs: bigint, toNs: bigint, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, finish() {} };
  const started = Date.now();
  let last = 0;
  const draw = (doneNs: bigint, rows: number) => {
    const fraction = Math.min(1, Math.max(0, Number(doneNs - fromNs) / Number(toNs - fromNs)));
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
    const filled = Math.round(fraction * width);
    const rate = rows / Math.max(0.001, (Date.now() - started) / 1000);
    const at = new Date(Number(doneNs / 1_000_000n)).toISOString().slice(0, 16).replace('T', ' ');
    stream.write(
      `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${at} · ${rows.toLocaleString('en')} rows · ${Math.round(rate).toLocaleString('en')}/s\x1b[K`,
    );
  };
  return {
    update(doneNs, rows) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(doneNs, rows);
    },
    finish(rows) {
      draw(toNs, rows);
      stream.write('\n');
    },
  };
}
