// Every `sonde <command>` module; main.ts registers them in this order.
// A command module default-exports `(program: Command) => void`.
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [];
