// Extension functions (registered with registerFunction) whose names the
// lezer grammar does not know: their names are swapped for a known one of no
// greater length before parsing, and restored when the tree is read.
import { parser as lezer } from '@prometheus-io/lezer-promql';
import { getFunction } from '../functions/registry.js';

// Names the lezer grammar parses as function calls; others (extensions) are
// swapped for a known name of no greater length before parsing.
const lezerKnows = new Map<string, boolean>();
function grammarKnowsFunction(name: string): boolean {
  let known = lezerKnows.get(name);
  if (known === undefined) {
    const top = lezer.parse(`${name}(1)`).topNode.firstChild;
    known = top?.name === 'FunctionCall';
    lezerKnows.set(name, known);
  }
  return known;
}

/** Replaces registered extension function names the grammar does not know. */
export function substituteExtensions(q: string): { text: string; names: Map<number, string> } {
  const names = new Map<number, string>();
  let text = q;
  const re = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|#[^\n]*|[a-zA-Z_][a-zA-Z0-9_:]*(?=\s*\()/g;
  for (let m = re.exec(q); m; m = re.exec(q)) {
    const word = m[0];
    if (!/^[a-zA-Z_]/.test(word) || word.length < 2) continue;
    if (!getFunction(word) || grammarKnowsFunction(word)) continue;
    const stand = 'ln'.padEnd(word.length, ' ');
    text = text.slice(0, m.index) + stand + text.slice(m.index + word.length);
    names.set(m.index, word);
  }
  return { text, names };
}
