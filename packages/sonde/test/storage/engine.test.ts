// Behaviour of the embedded store, written as scripts (script.ts): appends,
// selection by matchers, label APIs, out-of-order and duplicates, deletion,
// retention with an injected clock, rollups, restarts and crashes.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type ScriptContext, runScript } from './script.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function run(script: string, keepOpen = false): Promise<ScriptContext> {
  const dir = await mkdtemp(join(tmpdir(), 'sonde-storage-'));
  dirs.push(dir);
  const ctx = await runScript(dir, script);
  if (!keepOpen) await ctx.db?.close();
  return ctx;
}

describe('embedded store', () => {
  it('stores samples and selects them by every kind of matcher', async () => {
    await run(`
open
load 10s
  http_requests_total{job="api",route="/users",code="200"} 1+1x5
  http_requests_total{job="api",route="/users/:id",code="500"} 0 0 1
  http_requests_total{job="web",route="/",code="200"} 5 _ 7
  node_load1{job="node"} 0.5 0.25 stale 1.5

eval http_requests_total{job="api"} 0 20s
  http_requests_total{job="api",route="/users",code="200"} 0:1 10s:2 20s:3
  http_requests_total{job="api",route="/users/:id",code="500"} 0:0 10s:0 20s:1

eval {route=~"/users.*",code!="500"} 0 1h
  http_requests_total{job="api",route="/users",code="200"} 0:1 10s:2 20s:3 30s:4 40s:5 50s:6

eval http_requests_total{job!~"api|node"} 0 1h
  http_requests_total{job="web",route="/",code="200"} 0:5 20s:7

eval {job="node"} 0 1h
  node_load1{job="node"} 0:0.5 10s:0.25 20s:stale 30s:1.5

eval {code=""} 0 15s
  node_load1{job="node"} 0:0.5 10s:0.25

eval {job="nope"} 0 1h

names
  __name__ code job route
names {job="node"}
  __name__ job
values route
  / /users /users/:id
values code {job="api"}
  200 500
`);
  });

  it('answers label names and values for a time window: blocks outside it and head series without samples in it contribute nothing', async () => {
    await run(`
open
load 1m
  batch_total{job="batch",phase="load"} 1+1x9
flush
append api_requests_total{job="api",route="/a"} 20m 1
append api_requests_total{job="api",route="/a"} 21m 2
append web_requests_total{job="web",route="/b"} 40m 1
commit accepted=3
names
  __name__ job phase route
names 30m 1h
  __name__ job route
names 10m 19m
values job 0 15m
  batch
values job 15m 30m
  api
values job -1h 1d
  api batch web
values __name__ {job=~"api|web"} 21m 39m
  api_requests_total
values route {job="api"} 30m 1h
open
values job 15m 30m
  api
flush
# a block counts whole: both series of the flushed [20m, 40m] block are in any window touching it
values job 15m 30m
  api web
values job 41m 1h
names {job="batch"} 10m 1h
`);
  });

  it('accepts out-of-order samples within the window, rejects older ones and conflicting duplicates', async () => {
    await run(`
open ooo=1m
append up{job="a"} 100s 1
append up{job="a"} 200s 2
commit accepted=2
append up{job="a"} 150s 1.5
append up{job="a"} 120s 1.2
append up{job="a"} 10s 0.1
commit accepted=1 outOfOrder=2
append up{job="a"} 200s 2
append up{job="a"} 150s 1.5
append up{job="a"} 200s 3
append up{job="a"} 150s 9
commit accepted=0 duplicate=2
eval up 0 1h
  up{job="a"} 100s:1 150s:1.5 200s:2
`);
  });

  it('stores NaN, ±Inf, -0 and the stale marker as they are', async () => {
    await run(`
open
load 1s
  weird{k="v"} NaN Inf -Inf -0 stale 0 1e-320
flush
eval weird 0 1m
  weird{k="v"} 0:NaN 1000:Inf 2000:-Inf 3000:-0 4000:stale 5000:0 6000:1e-320
`);
  });

  it('rejects invalid samples and counts them', async () => {
    await run(`
open
append {job="no-name"} 1s 1
append up 1s 1
commit accepted=1 invalid=1
`);
  });

  it('keeps everything across a clean restart, a crash, flushes and compaction', async () => {
    await run(`
open
load 1m
  cpu_seconds_total{cpu="0"} 0+0.01x200
  mem_bytes 4096+4096x200
flush
load 1m
  late{x="1"} _ _ _ 3
crash
eval cpu_seconds_total 0 3m
  cpu_seconds_total{cpu="0"} 0:0 1m:0.01 2m:0.02 3m:0.03
eval late 0 1h
  late{x="1"} 3m:3
open
eval mem_bytes 199m 1d
  mem_bytes 199m:819200 200m:823296
compact
maintain
open
eval mem_bytes 199m 1d
  mem_bytes 199m:819200 200m:823296
eval late 0 1h
  late{x="1"} 3m:3
`);
  });

  it('deletes series and ranges at once, durably', async () => {
    await run(`
open
load 1m
  a{k="1"} 1+1x9
  a{k="2"} 1+1x9
  b 1+1x9
flush
load 1m
  b _ _ _ _ _ _ _ _ _ _ 11 12
delete a{k="1"}
delete b 2m 10m
eval {__name__=~"a|b"} 0 1h
  a{k="2"} 0:1 1m:2 2m:3 3m:4 4m:5 5m:6 6m:7 7m:8 8m:9 9m:10
  b 0:1 1m:2 11m:12
values k
  2
crash
eval {__name__=~"a|b"} 0 1h
  a{k="2"} 0:1 1m:2 2m:3 3m:4 4m:5 5m:6 6m:7 7m:8 8m:9 9m:10
  b 0:1 1m:2 11m:12
`);
  });

  it('computes 1m and 1h rollups with counter-correct increase, from head and blocks alike', async () => {
    await run(`
open
load 20s
  req_total 0 10 20 30 5 15 25 35 45
# buckets end at 1m (0,20s,40s), 2m (60s..100s), 3m (120s..160s)
rollup 1m req_total 0 10m
  req_total 1m:3/30/0/20/20/20 2m:3/50/5/30/15/25 3m:3/105/25/45/45/30
flush
rollup 1m req_total 0 10m
  req_total 1m:3/30/0/20/20/20 2m:3/50/5/30/15/25 3m:3/105/25/45/45/30
rollup 1h req_total 0 10m
  req_total 1h:9/185/0/45/45/75
`);
  });

  it('applies retention by age with the injected clock, without a restart', async () => {
    const ctx = await run(
      `
open
load 1h
  old 1+1x48
flush
clock 30d
maintain
eval old 0 100d
values __name__ 0 100d
  old
values __name__ 20d 100d
rollup 1h old 0 100d
  old 1h:1/1/1/1/1/0 2h:1/2/2/2/2/1 3h:1/3/3/3/3/1 4h:1/4/4/4/4/1 5h:1/5/5/5/5/1 6h:1/6/6/6/6/1 7h:1/7/7/7/7/1 8h:1/8/8/8/8/1 9h:1/9/9/9/9/1 10h:1/10/10/10/10/1 11h:1/11/11/11/11/1 12h:1/12/12/12/12/1 13h:1/13/13/13/13/1 14h:1/14/14/14/14/1 15h:1/15/15/15/15/1 16h:1/16/16/16/16/1 17h:1/17/17/17/17/1 18h:1/18/18/18/18/1 19h:1/19/19/19/19/1 20h:1/20/20/20/20/1 21h:1/21/21/21/21/1 22h:1/22/22/22/22/1 23h:1/23/23/23/23/1 24h:1/24/24/24/24/1 25h:1/25/25/25/25/1 26h:1/26/26/26/26/1 27h:1/27/27/27/27/1 28h:1/28/28/28/28/1 29h:1/29/29/29/29/1 30h:1/30/30/30/30/1 31h:1/31/31/31/31/1 32h:1/32/32/32/32/1 33h:1/33/33/33/33/1 34h:1/34/34/34/34/1 35h:1/35/35/35/35/1 36h:1/36/36/36/36/1 37h:1/37/37/37/37/1 38h:1/38/38/38/38/1 39h:1/39/39/39/39/1 40h:1/40/40/40/40/1 41h:1/41/41/41/41/1 42h:1/42/42/42/42/1 43h:1/43/43/43/43/1 44h:1/44/44/44/44/1 45h:1/45/45/45/45/1 46h:1/46/46/46/46/1 47h:1/47/47/47/47/1 48h:1/48/48/48/48/1 49h:1/49/49/49/49/1
`,
      true,
    );
    const db = ctx.db!;
    const tiers = db.stats().tiers;
    assert.equal(tiers[0].bytesOnDisk, 0, 'raw blocks past 15 days are gone');
    assert.ok(tiers[2].bytesOnDisk > 0, 'the 1h tier is kept for 2 years');
    db.setRetention({ '1m': 86_400_000, '1h': 86_400_000 });
    assert.equal(db.stats().tiers[2].bytesOnDisk, 0, 'a retention change takes effect at once');
    const q = db.querier();
    assert.deepEqual(q.labelValues('__name__'), [], 'series with no data left are forgotten');
    q.close();
    assert.equal(db.stats().series, 0);
    await db.close();
  });
});
