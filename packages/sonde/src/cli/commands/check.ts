// `sonde check rules FILE...`: validates Prometheus rule files as `promtool
// check rules` does (YAML, fields, PromQL, templates), each problem with its
// file, line and column. Exit 0 when all are good, 1 when any has a problem.
//
// `sonde check` is a parent command: each kind of check is one entry in
// `checkSubcommands` (e.g. a later `sonde check config FILE`).
import type { Command } from 'commander';
import { formatRuleProblem, loadRuleFile } from '../../alerting/index.js';
import { EXIT } from '../exit-codes.js';
import { checkConfig } from './check-config.js';

/** Adds one `sonde check <what>` subcommand to the `check` command. */
export type CheckSubcommand = (check: Command) => void;

/** Writes a report for each rule file; resolves to true when every file is valid. */
export async function checkRuleFiles(
  files: readonly string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<boolean> {
  let ok = true;
  for (const file of files) {
    out(`Checking ${file}`);
    const parsed = await loadRuleFile(file);
    if (parsed.problems.length === 0) {
      out(`  SUCCESS: ${parsed.groups.reduce((n, g) => n + g.rules.length, 0)} rules found`);
    } else {
      ok = false;
      out('  FAILED:');
      for (const p of parsed.problems) out(formatRuleProblem(p));
    }
    out('');
  }
  return ok;
}

const rules: CheckSubcommand = (check) => {
  check
    .command('rules')
    .description('check Prometheus rule files: YAML, fields, PromQL syntax and templates, with line numbers')
    .argument('<file...>', 'rule files')
    .addHelpText('after', '\nExample:\n  sonde check rules /etc/prometheus/rules/*.yml')
    .action(async (files: string[]) => {
      const ok = await checkRuleFiles(files);
      process.exitCode = ok ? EXIT.ok : EXIT.finding;
    });
};

/** Every `sonde check` subcommand, in help order. */
export const checkSubcommands: CheckSubcommand[] = [rules, checkConfig];

export default function register(program: Command): void {
  const check = program.command('check').description('check configuration and rule files for problems');
  for (const add of checkSubcommands) add(check);
}
