import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFolderAtomically } from '../src/shared/files';

describe('writeFolderAtomically', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gt-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('concurrent exports of one folder all succeed; one whole export stays, no temporary folder', async () => {
    const final = path.join(dir, 'dataset');
    const writers = Array.from({ length: 12 }, (_, i) =>
      writeFolderAtomically(final, async (folder) => {
        mkdirSync(path.join(folder, 'labels'));
        // the writes interleave: each waits a little before and after its files
        await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
        await writeFile(path.join(folder, 'labels', 'a.txt'), `writer ${i}`);
        await writeFile(path.join(folder, 'data.yaml'), `writer ${i}`);
      }),
    );
    const outcomes = await Promise.allSettled(writers);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const yaml = readFileSync(path.join(final, 'data.yaml'), 'utf8');
    expect(readFileSync(path.join(final, 'labels', 'a.txt'), 'utf8')).toBe(yaml);
    expect(readdirSync(dir)).toEqual(['dataset']);
  });

  it('removes what a dead process left, keeps what a live one is writing', async () => {
    const final = path.join(dir, 'dataset');
    const dead = path.join(dir, `.dataset.tmp-${os.hostname()}~2147483646~aaaa`);
    const live = path.join(dir, `.dataset.tmp-${os.hostname()}~${process.ppid}~bbbb`);
    const otherHostFresh = path.join(dir, '.dataset.tmp-elsewhere~12~cccc');
    for (const folder of [dead, live, otherHostFresh]) {
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'x'), 'x');
    }
    await writeFolderAtomically(final, async (folder) => writeFile(path.join(folder, 'data.yaml'), 'new'));
    expect(readdirSync(dir).sort()).toEqual(
      ['dataset', path.basename(live), path.basename(otherHostFresh)].sort(),
    );
  });
});
