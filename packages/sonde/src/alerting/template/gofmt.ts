// Go's fmt for the values rule templates print: %v of a float64 (shortest
// digits, exponent past 1e21... as strconv 'g' with precision -1 does), %g with
// a precision, and a printf covering the verbs rule files use.

interface Digits {
  /** Decimal digits without leading zeros, e.g. "12345". */
  readonly d: string;
  /** Position of the decimal point relative to the digits (value = 0.d × 10^dp). */
  readonly dp: number;
}

/**
 * Rounds the exact decimal value of |v| to `n` significant digits, halves to
 * even as Go's strconv does (JavaScript rounds halves up).
 */
function roundedDigits(v: number, n: number): Digits {
  const a = Math.abs(v);
  // toFixed(100) is exact only from about 1e-80 up to 1e21; beyond, exact halves do not occur in practice.
  if (a >= 1e21 || a < 1e-80) {
    const [mant, exp] = a.toExponential(n - 1).split('e');
    return { d: mant.replace('.', ''), dp: Number(exp) + 1 };
  }
  const fixed = a.toFixed(100);
  const point = fixed.indexOf('.');
  let all = fixed.slice(0, point) + fixed.slice(point + 1);
  let dp = point;
  const lead = all.search(/[1-9]/);
  all = all.slice(lead);
  dp -= lead;
  if (all.length <= n) return { d: all, dp };
  const keep = all.slice(0, n);
  const rest = all.slice(n);
  let up =
    rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(keep[n - 1]) % 2 === 1));
  const digits = keep.split('').map(Number);
  for (let i = n - 1; up && i >= 0; i--) {
    digits[i]++;
    up = digits[i] === 10;
    if (up) digits[i] = 0;
  }
  if (up) {
    digits.unshift(1);
    digits.pop();
    dp++;
  }
  return { d: digits.join(''), dp };
}

function digitsOf(v: number, precision?: number): Digits {
  if (precision !== undefined) return roundedDigits(v, precision);
  const [mant, exp] = Math.abs(v).toExponential().split('e');
  return { d: mant.replace('.', ''), dp: Number(exp) + 1 };
}

/** %.Nf with Go's rounding (halves to even on the exact value). */
export function formatFixed(v: number, prec: number): string {
  const sp = special(v);
  if (sp) return sp;
  const a = Math.abs(v);
  if (a >= 1e21) return v.toFixed(prec);
  const fixed = a.toFixed(100);
  const point = fixed.indexOf('.');
  const digits = (fixed.slice(0, point) + fixed.slice(point + 1, point + 1 + prec)).split('').map(Number);
  const rest = fixed.slice(point + 1 + prec);
  let up =
    rest[0] > '5' ||
    (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || digits[digits.length - 1] % 2 === 1));
  for (let i = digits.length - 1; up && i >= 0; i--) {
    digits[i]++;
    up = digits[i] === 10;
    if (up) digits[i] = 0;
  }
  if (up) digits.unshift(1);
  const all = digits.join('');
  const intLen = all.length - prec;
  const out = prec ? `${all.slice(0, intLen)}.${all.slice(intLen)}` : all;
  return v < 0 || Object.is(v, -0) ? `-${out}` : out;
}

function expSuffix(exp: number): string {
  const sign = exp < 0 ? '-' : '+';
  const a = Math.abs(exp);
  return `e${sign}${a < 10 ? '0' : ''}${a}`;
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return undefined;
}

/** strconv.FormatFloat(v, 'g', prec, 64); prec -1 = shortest. Trailing zeros removed as %g does. */
export function formatG(v: number, prec = -1): string {
  const sp = special(v);
  if (sp) return sp;
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const shortest = prec < 0;
  if (prec === 0) prec = 1;
  const { d: raw, dp } = digitsOf(v, shortest ? undefined : prec);
  const d = raw.replace(/0+$/, '') || '0';
  let eprec = prec;
  if (eprec > d.length && d.length >= dp) eprec = d.length;
  if (shortest) eprec = 6;
  const exp = dp - 1;
  let out: string;
  if (exp < -4 || exp >= eprec) out = d[0] + (d.length > 1 ? `.${d.slice(1)}` : '') + expSuffix(exp);
  else if (dp <= 0) out = `0.${'0'.repeat(-dp)}${d}`;
  else if (dp >= d.length) out = d + '0'.repeat(dp - d.length);
  else out = `${d.slice(0, dp)}.${d.slice(dp)}`;
  return v < 0 ? `-${out}` : out;
}

/** Go's %v for a float64: strconv 'g' with the shortest precision. */
export function formatFloat(v: number): string {
  return formatG(v, -1);
}

function formatE(v: number, prec: number): string {
  const sp = special(v);
  if (sp) return sp;
  const s = v.toExponential(prec);
  const [m, e] = s.split('e');
  return m + expSuffix(Number(e));
}

function pad(s: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
    const body = sign ? s.slice(1) : s;
    return sign + '0'.repeat(width - s.length) + body;
  }
  return ' '.repeat(width - s.length) + s;
}

/** How a template value prints with %v / print. */
export function formatValue(x: unknown): string {
  if (x === undefined || x === null) return '<no value>';
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return formatFloat(x);
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  if (x instanceof Map) {
    const keys = [...x.keys()].sort();
    return `map[${keys.map((k) => `${k}:${formatValue(x.get(k))}`).join(' ')}]`;
  }
  if (Array.isArray(x)) return `[${x.map(formatValue).join(' ')}]`;
  if (x instanceof Date) return x.toISOString();
  if (typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .map((k) => formatValue(o[k]))
      .join(' ')}}`;
  }
  return String(x);
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Go's fmt.Sprintf for %v %s %d %f %e %g %q %x %X %t %% with flags (-, +, 0, space), width and precision. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let ai = 0;
  const re = /%([-+ 0#]*)(\d+)?(?:\.(\d*))?([a-zA-Z%])/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    out += format.slice(last, m.index);
    last = re.lastIndex;
    const [, flags, w, p, verb] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (ai >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[ai++];
    const width = w === undefined ? undefined : Number(w);
    const prec = p === undefined ? undefined : p === '' ? 0 : Number(p);
    const left = flags.includes('-');
    const zero = flags.includes('0') && !left;
    const plus = flags.includes('+');
    const num =
      typeof arg === 'number'
        ? arg
        : typeof arg === 'string' && verb !== 's' && verb !== 'q' && verb !== 'v'
          ? Number(arg)
          : NaN;
    const sign = (s: string, n: number) => (plus && n >= 0 && !s.startsWith('+') ? `+${s}` : s);
    let s: string;
    switch (verb) {
      case 'v':
        s = formatValue(arg);
        break;
      case 's':
        s = formatValue(arg);
        if (prec !== undefined) s = s.slice(0, prec);
        break;
      case 'q':
        s = quote(formatValue(arg));
        break;
      case 't':
        s = typeof arg === 'boolean' ? String(arg) : `%!t(${formatValue(arg)})`;
        break;
      case 'd':
        if (typeof arg !== 'number' || !Number.isInteger(arg)) {
          s =
            typeof arg === 'number' ? `%!d(float64=${formatFloat(arg)})` : `%!d(string=${formatValue(arg)})`;
        } else s = sign(String(arg), arg);
        break;
      case 'f':
      case 'F':
        s = Number.isFinite(num)
          ? sign(formatFixed(num, prec ?? 6), num)
          : (special(num) ?? `%!f(${formatValue(arg)})`);
        break;
      case 'e':
        s = Number.isFinite(num) ? sign(formatE(num, prec ?? 6), num) : (special(num) ?? '');
        break;
      case 'g':
        s = sign(formatG(num, prec ?? -1), num);
        break;
      case 'x':
      case 'X': {
        let h: string;
        if (typeof arg === 'number' && Number.isInteger(arg)) h = arg.toString(16);
        else h = Buffer.from(formatValue(arg)).toString('hex');
        s = verb === 'X' ? h.toUpperCase() : h;
        break;
      }
      default:
        s = `%!${verb}(${formatValue(arg)})`;
    }
    out += pad(s, width, left, zero && verb !== 's' && verb !== 'v' && verb !== 'q');
  }
  out += format.slice(last);
  if (ai < args.length) out += `%!(EXTRA ${args.slice(ai).map(formatValue).join(', ')})`;
  return out;
}
