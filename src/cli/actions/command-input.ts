/** The parsed input of a command, the same whether oclif parsed it or the quick path did. */
export interface CommandInput<A, F> {
  args: A;
  flags: F;
  /** Names of the flags given on the command line or by their environment variable (not defaulted). */
  explicit: ReadonlySet<string>;
}
