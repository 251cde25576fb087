// Structured logs: JSON lines on a pipe (for log shippers and tests), a
// readable one-line form on a terminal.
import pino, { type Logger } from 'pino';

export function createLogger(level: string, destination: 'stdout' | 'stderr' = 'stdout'): Logger {
  const fd = destination === 'stdout' ? 1 : 2;
  const tty = destination === 'stdout' ? process.stdout.isTTY : process.stderr.isTTY;
  if (tty && process.env.NO_COLOR === undefined && process.env.SONDE_LOG_FORMAT !== 'json') {
    return pino({
      level,
      base: undefined,
      transport: {
        target: 'pino-pretty',
        options: { destination: fd, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
      },
    });
  }
  return pino({ level, base: undefined }, pino.destination({ fd, sync: false }));
}
