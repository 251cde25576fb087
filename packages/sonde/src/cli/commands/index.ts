// Every `sonde <command>` module; main.ts registers them in this order.
// A command module default-exports `(program: Command) => void`.
import type { Command } from 'commander';
import analyze from './analyze.js';
import bench from './bench.js';
import check from './check.js';
import collect from './collect.js';
import compare from './compare.js';
import completion from './completion.js';
import exportCommand from './export.js';
import detect from './detect.js';
import importCommand from './import.js';
import profile from './profile.js';
import report from './report.js';
import query from './query.js';
import start from './start.js';
import storage from './storage.js';
import token from './token.js';
import version from './version.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  start,
  collect,
  profile,
  bench,
  compare,
  check,
  token,
  detect,
  analyze,
  report,
  importCommand,
  exportCommand,
  query,
  storage,
  completion,
  version,
];
