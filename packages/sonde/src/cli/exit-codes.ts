// Documented exit codes, the same for every command.
export const EXIT = {
  /** Success; for compare/check: no regression, no problem. */
  ok: 0,
  /** A finding: a regression, a failed check. */
  finding: 1,
  /** Wrong usage: unknown flag, bad value, bad config. */
  usage: 2,
  /** A runtime failure: I/O, unreachable server, corrupt input. */
  runtime: 3,
} as const;
