/**
 * oclif hook for an unknown first word: a mistyped command gets the closest command as a
 * suggestion, a flag before any command is called a flag; exit code 2 like other usage errors.
 * oclif requires hooks to be default exports.
 */
import type { Hook } from '@oclif/core';
import { reportUsageError } from '../report-error.js';
import { unknownCommandMessage } from '../suggest.js';

const hook: Hook.CommandNotFound = async function (opts) {
  const bin = opts.config.bin;
  const word = opts.id.split(':')[0]!; // with the space separator, later words are joined into the id
  reportUsageError(unknownCommandMessage(word, bin, opts.config.commandIDs), { bin });
};

export default hook;
