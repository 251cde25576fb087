// `sonde detect`: the online anomaly detector over a `timestamp,value` CSV,
// for offline evaluation. Writes `timestamp,value,score,is_anomaly` per input
// row: score in [0,1) (≥ 0.5 anomalous), is_anomaly = 1 at the onset of each
// anomalous episode. Causal: row i's output uses rows 0..i only.
//   sonde detect --input cpu.csv --output scores.csv
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { detectCsv } from '../../analytics/anomaly/index.js';
import { EXIT } from '../exit-codes.js';

export default function register(program: Command): void {
  program
    .command('detect')
    .description('score a timestamp,value CSV with the online anomaly detector')
    .requiredOption('--input <file>', 'CSV with timestamp,value columns (header optional)')
    .option('--output <file>', 'where to write timestamp,value,score,is_anomaly (default: stdout)')
    .action((flags: { input: string; output?: string }) => {
      let text: string;
      try {
        text = readFileSync(flags.input, 'utf8');
      } catch (err) {
        process.stderr.write(`sonde: cannot read ${flags.input}: ${(err as Error).message}\n`);
        process.exit(EXIT.runtime);
      }
      let result: ReturnType<typeof detectCsv>;
      try {
        result = detectCsv(text);
      } catch (err) {
        process.stderr.write(`sonde: ${flags.input}: ${(err as Error).message}\n`);
        process.exit(EXIT.usage);
      }
      if (flags.output) {
        writeFileSync(flags.output, result.csv);
        process.stderr.write(
          `${result.rows} rows scored, ${result.anomalies} anomalies flagged → ${flags.output}\n`,
        );
      } else process.stdout.write(result.csv);
    });
}
