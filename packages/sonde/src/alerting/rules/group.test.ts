import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createQueryEngine } from '../../query/index.js';
import { MemoryStorage } from '../../storage/index.js';
import type { Querier } from '../../storage/types.js';
import { parseRuleText } from './file.js';
import { RuleGroup } from './group.js';

/** A store that counts the snapshots taken and closed. */
class CountingStorage extends MemoryStorage {
  taken = 0;
  open = 0;
  override querier(): Querier {
    const q = super.querier();
    this.taken++;
    this.open++;
    return {
      ...q,
      select: q.select.bind(q),
      close: () => {
        this.open--;
        q.close();
      },
    };
  }
}

const RULES = `groups:
  - name: g
    rules:
      - alert: Hot
        expr: temp > 90
      - alert: Cold
        expr: temp < 10
      - record: job:temp:max
        expr: max(temp)
      - alert: MaxHot
        expr: job:temp:max > 90
`;

describe('rule group evaluation', () => {
  it('reads one store snapshot per evaluation, and a fresh one after a commit a later rule reads', async () => {
    const storage = new CountingStorage();
    const app = storage.appender();
    for (let i = 0; i < 10; i++) app.append({ __name__: 'temp', host: `h${i}` }, 1000, 50 + i * 5);
    await app.commit();
    const engine = createQueryEngine(storage);
    const { groups, problems } = parseRuleText(RULES, 'rules.yml');
    assert.deepEqual(problems, []);
    const group = new RuleGroup(groups[0], 15_000);
    await group.eval(2000, {
      storage,
      context: { engine, externalLabels: {}, externalURL: 'http://x' },
      resendDelayMs: 60_000,
      generatorURL: () => '',
      notify: () => {},
    });
    for (const r of group.rules) assert.equal(r.health, 'ok', `${r.name}: ${r.lastError}`);
    // Four queries: the first three share a snapshot; the recording rule's output is
    // committed for MaxHot, which reads it through a new one.
    assert.equal(storage.taken, 2);
    assert.equal(storage.open, 0);
    // MaxHot saw the recorded series.
    const active = (name: string) => {
      const r = group.rules.find((x) => x.name === name)!;
      return r.kind === 'alert' ? r.active.size : -1;
    };
    assert.equal(active('Hot'), 1); // 95
    assert.equal(active('Cold'), 0);
    assert.equal(active('MaxHot'), 1);
  });
});
