// Alertmanager-style matchers typed by a person, for silences.

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

/** Parses `alertname="X", severity=~"crit.*"` into Alertmanager matchers. */
export function parseMatchers(text: string): Matcher[] | string {
  const out: Matcher[] = [];
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let i = 0;
  const s = text.trim().replace(/^\{|\}$/g, '');
  re.lastIndex = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m)
      return `cannot read a matcher at “${s.slice(i, i + 20)}”; write name="value", separated by commas`;
    out.push({
      name: m[1],
      value: m[3].replace(/\\(.)/g, '$1'),
      isRegex: m[2].includes('~'),
      isEqual: !m[2].startsWith('!'),
    });
    i = re.lastIndex;
  }
  if (!out.length) return 'add at least one matcher, e.g. alertname="DiskFull"';
  return out;
}
