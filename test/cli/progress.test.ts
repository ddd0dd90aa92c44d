import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, formatRate } from '../../src/cli/progress.js';

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
    let now = 1000;
    const bar = createProgress({ label: 'scanning', stream, logEverySeconds: 0, now: () => now });
    now += 2000;
    bar.tick(3);
    bar.done();
    bar.tick(1);
    await new Promise(setImmediate);
    expect(text()).toBe('scanning 3 (1.5/s)\n');
  });

  it('estimates the time left from the pace so far, and says so before it can', async () => {
    const { stream, text } = fakeStream(false);
    let now = 0;
    const bar = createProgress({ total: 10, label: 'bench', stream, logEverySeconds: 0, now: () => now });
    bar.tick(0);
    now = 30_000; // 2 of 10 in 30 s: 8 more take about 2 minutes
    bar.tick(2);
    now = 60_000;
    bar.tick(8);
    await new Promise(setImmediate);
    expect(text().split('\n')).toEqual(['bench 0/10   0% (estimating the time left…)', 'bench 2/10  20% (4/min, about 2m00s left)', 'bench 10/10 100% (10/min)', '']);
  });

  it('a slow rate is shown per minute, never as (0/s), and the status follows the figures', async () => {
    const { stream, text } = fakeStream(true);
    let now = 0;
    const bar = createProgress({ total: 100, label: 'bench', stream, now: () => now });
    bar.status('lsm run 1/3');
    now = 200_000;
    bar.tick(1);
    await new Promise(setImmediate);
    expect(text()).not.toContain('(0/s');
    expect(text()).toContain('1/100 (0.3/min, about 5h30m left) · lsm run 1/3');
  });

  it('on a narrow terminal the redrawn line is cut to fit, so no wrapped remnant is left behind', async () => {
    const { stream, text } = fakeStream(true);
    (stream as { columns?: number }).columns = 60;
    const bar = createProgress({ total: 10, label: 'bench', stream, now: () => 1000 });
    bar.status('a status long enough to overflow sixty columns');
    await new Promise(setImmediate);
    const drawn = text().split('\r\x1b[2K').filter((l) => l !== '');
    expect(drawn.length).toBeGreaterThan(0);
    for (const line of drawn) expect(line.length).toBeLessThan(60);
    expect(drawn.at(-1)).toMatch(/^bench \[-+\]   0% 0\/10 .*…$/);
  });

  it('formats rates and durations', () => {
    expect([formatRate(0), formatRate(0.0001), formatRate(0.002), formatRate(0.4), formatRate(3.25), formatRate(1234.4)]).toEqual([null, '0.36/h', '0.1/min', '24/min', '3.3/s', '1234/s']);
    expect([formatDuration(45.4), formatDuration(185), formatDuration(7620)]).toEqual(['45s', '3m05s', '2h07m']);
  });
});
