/**
 * Flags and arguments shared by several commands: the store flags (--engine, --dir, --url,
 * --lock-timeout, and --addr / --password for client mode) are the `baseFlags` of every data
 * command; --json and --sync are added by commands that print data or write.
 */
import { Args, Flags } from '@oclif/core';
import { DEFAULT_ENGINE, SYNC_POLICIES } from '../index.js';
import { DEFAULT_DIR, DEFAULT_LOCK_TIMEOUT_MS } from './store-access.js';

export const storeFlags = {
  engine: Flags.string({
    char: 'e',
    env: 'KVS_ENGINE',
    helpValue: '<name>',
    summary: `Storage engine (see \`kvs engines\`). Default: the engine that created --dir, else ${DEFAULT_ENGINE}.`,
  }),
  dir: Flags.string({
    char: 'd',
    env: 'KVS_DIR',
    default: DEFAULT_DIR,
    helpValue: '<path>',
    summary: 'Data directory of the store; a relative path is taken from the current directory. Created by the first write.',
  }),
  url: Flags.string({
    env: 'KVS_REDIS_URL',
    helpValue: '<url>',
    summary: 'Server of a remote engine (redis://host:port); used by --engine redis.',
  }),
  addr: Flags.string({
    env: 'KVS_ADDR',
    helpValue: '<host:port>',
    summary: 'Talk to a running `kvs server` at host:port (e.g. 127.0.0.1:6380, [::1]:6380) instead of opening --dir.',
  }),
  password: Flags.string({
    env: 'KVS_PASSWORD',
    helpValue: '<secret>',
    summary: 'Password of a server started with --requirepass, sent with AUTH. Prefer KVS_PASSWORD: a command line is visible to other users.',
  }),
  'lock-timeout': Flags.integer({
    env: 'KVS_LOCK_TIMEOUT',
    min: 0,
    default: DEFAULT_LOCK_TIMEOUT_MS,
    helpValue: '<ms>',
    summary: 'How long to wait, in milliseconds, for a store another process is writing to before failing; 0 fails at once.',
  }),
};

export const jsonFlag = Flags.boolean({
  summary: 'Print the result as JSON.',
  default: false,
});

export const syncFlag = Flags.option({
  options: SYNC_POLICIES,
  helpValue: '<policy>',
  summary: 'When writes reach the disk: always (fsync each write, the default), interval or never.',
})();

/**
 * The KEY argument. Every argument sets `ignoreStdin`: by default oclif fills a missing
 * argument from stdin's lines (trimmed), which would swallow `kvs set KEY --file -` input.
 */
export const keyArg = Args.string({ required: true, ignoreStdin: true, description: 'Key (UTF-8).' });
