// A progress bar on a terminal, nothing when stderr is not one (pipes, CI).
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

export function createProgress(
  total: number,
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY || total <= 0) return { tick() {}, done() {} };
  let count = 0;
  let lastDraw = 0;
  const draw = () => {
    const width = 30;
    const filled = Math.round((count / total) * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count}/${total}`);
  };
  draw();
  return {
    tick(n = 1) {
      count = Math.min(total, count + n);
      const now = Date.now();
      if (now - lastDraw > 100 || count === total) {
        lastDraw = now;
        draw();
      }
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
