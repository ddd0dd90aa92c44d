/**
 * oclif hook for an unknown command: says so and how to list the commands (oclif's own message
 * names neither), exiting 2 like other usage errors. oclif requires hooks to be default exports.
 */
import { Errors, type Hook } from '@oclif/core';

const hook: Hook.CommandNotFound = async function (opts) {
  const bin = opts.config.bin;
  const name = opts.id.split(':')[0]; // with the space separator, later words are joined into the id
  throw new Errors.CLIError(`unknown command "${name}"; run \`${bin} --help\` to list the commands`, { exit: 2 });
};

export default hook;
