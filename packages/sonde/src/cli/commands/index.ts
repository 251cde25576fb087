// Every `sonde <command>` module; main.ts registers them in this order.
// A command module default-exports `(program: Command) => void`.
import type { Command } from 'commander';
import start from './start.js';
import version from './version.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [start, version];
