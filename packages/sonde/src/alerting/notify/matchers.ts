// Alertmanager's label matchers: `name="value"`, `name!="v"`, `name=~"re"`,
// `name!~"re"` (values quoted or bare, several per string, optional braces),
// and the older `match` / `match_re` maps. Regexes are anchored.
import type { Labels } from '../../storage/types.js';

export interface LabelMatcher {
  readonly name: string;
  readonly type: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface CompiledMatcher extends LabelMatcher {
  readonly test: (value: string) => boolean;
}

export class MatcherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MatcherError';
  }
}

export function compileMatcher(m: LabelMatcher): CompiledMatcher {
  switch (m.type) {
    case '=':
      return { ...m, test: (v) => v === m.value };
    case '!=':
      return { ...m, test: (v) => v !== m.value };
    case '=~':
    case '!~': {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${m.value})$`, 's');
      } catch (e) {
        throw new MatcherError(
          `bad regular expression in ${m.name}${m.type}"${m.value}": ${(e as Error).message}`,
        );
      }
      return m.type === '=~' ? { ...m, test: (v) => re.test(v) } : { ...m, test: (v) => !re.test(v) };
    }
  }
}

const ONE =
  /\s*([a-zA-Z_:][a-zA-Z0-9_:]*|"(?:[^"\\]|\\.)*")\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,}"]*?)\s*(,|$)/y;

/** Parses one matchers string such as `{severity="page", team=~"db|web"}`. */
export function parseMatchers(text: string): LabelMatcher[] {
  let s = text.trim();
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) throw new MatcherError(`missing closing "}" in ${JSON.stringify(text)}`);
    s = s.slice(1, -1).trim();
  }
  const out: LabelMatcher[] = [];
  ONE.lastIndex = 0;
  while (ONE.lastIndex < s.length) {
    const start = ONE.lastIndex;
    const m = ONE.exec(s);
    if (!m)
      throw new MatcherError(
        `bad matcher ${JSON.stringify(s.slice(start))} in ${JSON.stringify(text)}: use name="value", name=~"regex"`,
      );
    const unq = (x: string) => (x.startsWith('"') ? (JSON.parse(x) as string) : x);
    out.push({ name: unq(m[1]), type: m[2] as LabelMatcher['type'], value: unq(m[3].trim()) });
    if (m[4] === '') break;
  }
  if (out.length === 0) throw new MatcherError(`no matcher in ${JSON.stringify(text)}`);
  return out;
}

/** Matchers from a config's `matchers`, `match` and `match_re`. */
export function matchersFromConfig(
  matchers: readonly string[],
  match: Readonly<Record<string, string>> = {},
  matchRe: Readonly<Record<string, string>> = {},
): CompiledMatcher[] {
  const all: LabelMatcher[] = matchers.flatMap(parseMatchers);
  for (const [name, value] of Object.entries(match)) all.push({ name, type: '=', value });
  for (const [name, value] of Object.entries(matchRe)) all.push({ name, type: '=~', value });
  return all.map(compileMatcher);
}

export function matchesLabels(matchers: readonly CompiledMatcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.test(labels[m.name] ?? '')) return false;
  return true;
}

export function formatMatchers(matchers: readonly LabelMatcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(',')}}`;
}
