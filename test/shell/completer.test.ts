/** Tab completion, called as readline calls it: command names first, then a command's flags. */
import { describe, expect, it } from 'vitest';
import { complete } from '../../src/shell/completer.js';
import { SHELL_COMMANDS } from '../../src/shell/shell-commands.js';

describe('completing the first word', () => {
  it('an empty line offers every command and alias', () => {
    const [candidates, word] = complete('');
    expect(word).toBe('');
    expect(candidates).toEqual(SHELL_COMMANDS.flatMap((c) => [c.name, ...c.aliases]).sort());
    expect(candidates).toEqual(expect.arrayContaining(['set', 'get', 'rm', 'delete', 'ls', 'count', 'help', 'quit', 'exit']));
  });

  it('a prefix narrows the candidates; upper case matches too', () => {
    expect(complete('co')).toEqual([['count'], 'co']);
    expect(complete('e')).toEqual([['exit'], 'e']);
    expect(complete('de')).toEqual([['del', 'delete'], 'de']);
    expect(complete('GE')).toEqual([['get'], 'GE']);
    expect(complete('zz')).toEqual([[], 'zz']);
  });
});

describe('completing later words', () => {
  it('offers the flags of ls that start with the word', () => {
    expect(complete('ls --p')).toEqual([['--prefix'], '--p']);
    expect(complete('ls -')[0]).toEqual(['--prefix', '--start', '--end', '--limit', '--reverse', '--values']);
  });

  it('does not offer a flag already given', () => {
    expect(complete('ls --reverse --')[0]).not.toContain('--reverse');
  });

  it('offers nothing for keys, values, or commands without flags', () => {
    expect(complete('get us')).toEqual([[], 'us']);
    expect(complete('set k -')).toEqual([[], '-']);
    expect(complete('nosuch --p')).toEqual([[], '--p']);
  });
});
