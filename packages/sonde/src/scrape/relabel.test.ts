// biome-ignore-all lint/suspicious/noTemplateCurlyInString: relabel replacements are Go templates like ${1}
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileRelabelConfigs, expandTemplate, hashmod, type RelabelConfig, relabel } from './relabel.js';

interface Case {
  name: string;
  rules: RelabelConfig[];
  input: Record<string, string>;
  /** undefined: the set is dropped. */
  output: Record<string, string> | undefined;
}

const base = { __name__: 'm', a: 'foo', b: 'bar', c: 'baz' };

// Expectations follow Prometheus 2.42's model/relabel tests and semantics.
const cases: Case[] = [
  {
    name: 'replace: defaults copy the joined source through (.*) to the target',
    rules: [{ source_labels: ['a', 'b'], target_label: 'd' }],
    input: base,
    output: { ...base, d: 'foo;bar' },
  },
  {
    name: 'replace: capture groups, ${1} and $2 with a custom separator',
    rules: [
      {
        source_labels: ['a', 'b'],
        separator: '-',
        regex: 'f(o+)-(b.*)',
        target_label: 'd',
        replacement: '${1}x$2',
      },
    ],
    input: base,
    output: { ...base, d: 'ooxbar' },
  },
  {
    name: 'replace: the regex is fully anchored (a partial match does nothing)',
    rules: [{ source_labels: ['a'], regex: 'o+', target_label: 'd', replacement: 'hit' }],
    input: base,
    output: base,
  },
  {
    name: 'replace: $1x names the group "1x", which expands empty, so the label is removed',
    rules: [{ source_labels: ['a'], regex: '(f)oo', target_label: 'a', replacement: '$1x' }],
    input: base,
    output: { __name__: 'm', b: 'bar', c: 'baz' },
  },
  {
    name: 'replace: the target label itself may be a template',
    rules: [{ source_labels: ['a'], regex: '(.*)', target_label: 'l_$1', replacement: 'v' }],
    input: base,
    output: { ...base, l_foo: 'v' },
  },
  {
    name: 'replace: an invalid expanded target name deletes the unexpanded target_label, so the real one stays',
    rules: [{ source_labels: ['c'], regex: '(.*)', target_label: 'c$1', replacement: 'x' }],
    input: { __name__: 'm', c: 'a-b', c$1: 'never' },
    output: { __name__: 'm', c: 'a-b' },
  },
  {
    name: 'replace: an invalid expanded target name changes nothing',
    rules: [{ source_labels: ['c'], regex: '(.*)', target_label: '${1}', replacement: 'x' }],
    input: { __name__: 'm', c: '1abc' },
    output: { __name__: 'm', c: '1abc' },
  },
  {
    name: 'replace: a missing source label joins as the empty string',
    rules: [{ source_labels: ['zz'], regex: '', target_label: 'd', replacement: 'empty' }],
    input: base,
    output: { ...base, d: 'empty' },
  },
  {
    name: 'replace: named groups and $$ for a literal dollar',
    rules: [
      { source_labels: ['a'], regex: '(?P<first>f)(.*)', target_label: 'd', replacement: '$$${first}' },
    ],
    input: base,
    output: { ...base, d: '$f' },
  },
  {
    name: 'keep: matching set stays',
    rules: [{ source_labels: ['a'], regex: 'fo+', action: 'keep' }],
    input: base,
    output: base,
  },
  {
    name: 'keep: non-matching set is dropped',
    rules: [{ source_labels: ['a'], regex: 'f', action: 'keep' }],
    input: base,
    output: undefined,
  },
  {
    name: 'drop: matching set is dropped',
    rules: [{ source_labels: ['a', 'b'], regex: 'foo;bar', action: 'drop' }],
    input: base,
    output: undefined,
  },
  {
    name: 'drop: the default regex matches even an absent label',
    rules: [{ source_labels: ['zz'], action: 'drop' }],
    input: base,
    output: undefined,
  },
  {
    name: 'keepequal: kept when the target equals the source',
    rules: [{ source_labels: ['a'], target_label: 'd', action: 'keepequal' }],
    input: { ...base, d: 'foo' },
    output: { ...base, d: 'foo' },
  },
  {
    name: 'keepequal: dropped when they differ',
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }],
    input: base,
    output: undefined,
  },
  {
    name: 'dropequal: dropped when equal',
    rules: [{ source_labels: ['a'], target_label: 'd', action: 'dropequal' }],
    input: { ...base, d: 'foo' },
    output: undefined,
  },
  {
    name: 'dropequal: kept when different',
    rules: [{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }],
    input: base,
    output: base,
  },
  {
    name: 'hashmod: md5 of the value, low 8 bytes big-endian, modulo (Prometheus test value)',
    rules: [{ source_labels: ['c'], target_label: 'd', modulus: 1000, action: 'hashmod' }],
    input: { a: 'foo', b: 'bar', c: 'baz' },
    output: { a: 'foo', b: 'bar', c: 'baz', d: '976' },
  },
  {
    name: 'labelmap: copies matching names, keeping the originals',
    rules: [{ regex: '__meta_(.+)', action: 'labelmap' }],
    input: { __meta_zone: 'z1', __meta_rack: 'r2', x: '1' },
    output: { __meta_zone: 'z1', __meta_rack: 'r2', zone: 'z1', rack: 'r2', x: '1' },
  },
  {
    name: 'labelmap: custom replacement',
    rules: [{ regex: '(a|b)', replacement: 'new_$1', action: 'labelmap' }],
    input: base,
    output: { ...base, new_a: 'foo', new_b: 'bar' },
  },
  {
    name: 'labeldrop: removes matching names',
    rules: [{ regex: '(a|b)', action: 'labeldrop' }],
    input: base,
    output: { __name__: 'm', c: 'baz' },
  },
  {
    name: 'labelkeep: keeps only matching names',
    rules: [{ regex: '(__name__|a)', action: 'labelkeep' }],
    input: base,
    output: { __name__: 'm', a: 'foo' },
  },
  {
    name: 'lowercase',
    rules: [{ source_labels: ['a', 'b'], target_label: 'd', action: 'lowercase' }],
    input: { a: 'FoO', b: 'BAR' },
    output: { a: 'FoO', b: 'BAR', d: 'foo;bar' },
  },
  {
    name: 'uppercase',
    rules: [{ source_labels: ['a'], target_label: 'a', action: 'uppercase' }],
    input: { a: 'foo' },
    output: { a: 'FOO' },
  },
  {
    name: 'rules apply in order, each seeing the result of the one before',
    rules: [
      { source_labels: ['a'], target_label: 'x', replacement: 'one' },
      { source_labels: ['x'], regex: 'one', action: 'keep' },
      { regex: 'x', action: 'labeldrop' },
    ],
    input: base,
    output: base,
  },
];

describe('relabel (one case per action, Prometheus semantics)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const rules = compileRelabelConfigs(c.rules, 'test');
      const before = { ...c.input };
      assert.deepEqual(relabel(c.input, rules), c.output);
      assert.deepEqual(c.input, before, 'input must not be changed');
    });
  }

  it('rejects invalid rules with messages naming the rule', () => {
    const bad: [RelabelConfig, RegExp][] = [
      [{ action: 'replace', source_labels: ['a'] }, /needs target_label/],
      [{ action: 'hashmod', target_label: 'x' }, /positive modulus/],
      [{ action: 'labeldrop', regex: 'a', source_labels: ['a'] }, /takes only regex/],
      [{ regex: '(', target_label: 'x' }, /invalid regex/],
      [{ action: 'lowercase', target_label: '1x' }, /not a valid label name/],
      [{ target_label: 'a-b' }, /not a valid target_label/],
    ];
    for (const [cfg, msg] of bad) assert.throws(() => compileRelabelConfigs([cfg], 'relabel_configs'), msg);
    assert.throws(
      () => compileRelabelConfigs([{ target_label: 'x' }, {}], 'relabel_configs'),
      /relabel_configs\[1\]/,
    );
  });

  it('expands Go templates like regexp.Expand', () => {
    const m = /^(?<w>a)(b)$/.exec('ab')!;
    assert.equal(expandTemplate('$1-${2}-$w-${w}-$$-$9-$', m), 'a-b-a-a-$--$');
    assert.equal(expandTemplate('${1', m), '${1');
  });

  it('hashmod stays within [0, modulus)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1_000_000 }), (s, mod) => {
        const h = hashmod(s, mod);
        return Number.isInteger(h) && h >= 0 && h < mod;
      }),
    );
  });
});
