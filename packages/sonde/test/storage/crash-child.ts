// Child process of crash.test.ts: ingests heavily into the store in `argv[2]`
// from batch `argv[3]` on, with frequent flushes, and prints `ack N` once
// batch N's commit has resolved. The parent kills it with SIGKILL at random.
import { openStorage } from '../../src/storage/db.js';

const [dir, startArg] = process.argv.slice(2);
export const SERIES = 200;
const db = await openStorage({
  dir,
  blockRangeMs: 20_000,
  outOfOrderWindowMs: 1000,
  maintenanceIntervalMs: 20,
  now: () => 0, // timestamps are small (batch × 1 s): pin the retention clock
});
const app = db.appender();
for (let batch = Number(startArg); ; batch++) {
  for (let s = 0; s < SERIES; s++)
    app.append({ __name__: 'crash_test', s: String(s) }, batch * 1000, batch * 0.01 + s);
  await app.commit();
  process.stdout.write(`ack ${batch}\n`);
}
