// Literals as Prometheus reads them: Go-quoted strings, numbers (hex, Inf,
// NaN), and durations (1h30m, 5m, 250ms) in their fixed unit order.

/** Unquotes a "...", '...' or `...` literal with Go's escapes. Throws a message on a bad escape. */
export function unquote(text: string): string {
  const q = text[0];
  if (text.length < 2 || text[text.length - 1] !== q) throw new Error('unterminated quoted string');
  const body = text.slice(1, -1);
  if (q === '`') return body;
  if (!body.includes('\\')) return body;
  let out = '';
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      flushBytes();
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'a':
        flushBytes();
        out += '\u0007';
        break;
      case 'b':
        flushBytes();
        out += '\b';
        break;
      case 'f':
        flushBytes();
        out += '\f';
        break;
      case 'n':
        flushBytes();
        out += '\n';
        break;
      case 'r':
        flushBytes();
        out += '\r';
        break;
      case 't':
        flushBytes();
        out += '\t';
        break;
      case 'v':
        flushBytes();
        out += '\v';
        break;
      case '\\':
      case '"':
      case "'":
        flushBytes();
        out += e;
        break;
      case 'x': {
        const hex = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error('invalid syntax');
        bytes.push(Number.parseInt(hex, 16));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        const len = e === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new Error('invalid syntax');
        flushBytes();
        out += String.fromCodePoint(Number.parseInt(hex, 16));
        i += len;
        break;
      }
      default: {
        if (e >= '0' && e <= '7') {
          const oct = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
          bytes.push(Number.parseInt(oct, 8) & 0xff);
          i += 2;
          break;
        }
        throw new Error(`unknown escape sequence '\\${e}'`);
      }
    }
  }
  flushBytes();
  return out;
}

/** A PromQL number literal (sign excluded), or NaN with ok=false when it is not one. */
export function parseNumber(text: string): number | null {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return Number.NaN;
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^0[0-7]+$/.test(t)) return Number.parseInt(t, 8);
  if (/^[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?$/i.test(t) || /^[0-9]+\.([0-9]+)?(e[+-]?[0-9]+)?$/i.test(t))
    return Number(t);
  return null;
}

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** A Prometheus duration ("1h30m") in ms, or null when the text is not one. */
export function parseDurationMs(text: string): number | null {
  if (text === '' || text === '0') return text === '0' ? 0 : null;
  const m = DURATION_RE.exec(text);
  if (!m) return null;
  let ms = 0;
  let any = false;
  for (let i = 0; i < DURATION_UNITS.length; i++) {
    if (m[i + 1] !== undefined) {
      any = true;
      ms += Number(m[i + 1]) * DURATION_UNITS[i];
    }
  }
  return any ? ms : null;
}

/** Formats ms as Prometheus prints durations (1h30m, 5m, 250ms). */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  let out = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const units: [string, number][] = [
    ['y', 365 * 86_400_000],
    ['w', 7 * 86_400_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  for (const [u, size] of units) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}
