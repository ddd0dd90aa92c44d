import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';

function fakeStream(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  (stream as { isTTY?: boolean }).isTTY = tty;
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

describe('progress', () => {
  it('draws a bar in place on a terminal and clears it when done', async () => {
    const { stream, text } = fakeStream(true);
    const bar = createProgress({ total: 10, label: 'copying', stream });
    bar.tick(5);
    bar.done('copied 10 keys');
    await new Promise(setImmediate);
    expect(text()).toContain('copying [##############--------------]  50% 5/10');
    expect(text()).toMatch(/\r\x1b\[2Kcopied 10 keys\n$/);
  });

  it('writes plain lines, no control characters, when not a terminal', async () => {
    const { stream, text } = fakeStream(false);
    const bar = createProgress({ total: 4, label: 'copying', stream, logEverySeconds: 0 });
    bar.tick(2);
    bar.tick(2);
    bar.done('done');
    await new Promise(setImmediate);
    expect(text()).not.toMatch(/[\r\x1b]/);
    expect(text().split('\n')).toEqual([expect.stringMatching(/^copying 2\/4  50%/), expect.stringMatching(/^copying 4\/4 100%/), 'done', '']);
  });

  it('shows a count and a rate when the total is unknown, and ignores ticks after done', async () => {
    const { stream, text } = fakeStream(false);
    const bar = createProgress({ label: 'scanning', stream, logEverySeconds: 0 });
    bar.tick(3);
    bar.done();
    bar.tick(1);
    await new Promise(setImmediate);
    expect(text()).toMatch(/^scanning 3 \(\d+\/s\)\n$/);
  });
});
