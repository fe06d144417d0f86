import { copyFileSync } from 'node:fs';
import { sharedPath } from '@groundtruth/db/testing';
import { formatOutcome, formatSummary, migrate, progressPrinter, type ProgressEvent } from '../src';
import { editLegacy, query, scratch } from './helpers';

const FIXTURE = sharedPath('fixtures/legacy/video_archive.db');
const { file: scratchFile, database } = scratch('gt-outcome-');

describe('what the user sees', () => {
  it('a dry run lists what would be quarantined, by reason, and counts nothing as written', async () => {
    const file = scratchFile('dry.db');
    copyFileSync(FIXTURE, file);
    editLegacy(
      file,
      `UPDATE keyframe_annotations SET video_id = 4242 WHERE id = 9;
       UPDATE keyframe_annotations SET bbox_x = 'wide' WHERE id = 13;`,
    );
    const target = await database('dry');
    const report = await migrate({ source: file, databaseUrl: target.url, dryRun: true });
    expect(report.written).toBe(0);
    expect(report.tables.every((t) => t.written === 0)).toBe(true);
    expect(report.quarantined).toBe(2);
    expect(report.wouldQuarantine).toEqual([
      { table: 'keyframe_annotations', legacyId: '9', reason: expect.stringMatching(/orphan: video_id/) },
      {
        table: 'keyframe_annotations',
        legacyId: '13',
        reason: expect.stringMatching(/column bbox_x: not a valid float/),
      },
    ]);
    expect(report.quarantineReasons.map((r) => [r.reason, r.count])).toEqual([
      ['keyframe_annotations: column bbox_x: not a valid float', 1],
      ['keyframe_annotations: orphan: video_id → videos.id', 1],
    ]);
    expect(Date.parse(report.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.startedAt));
    const text = formatOutcome(report);
    expect(text).toMatch(/dry run: nothing was written; 2 row\(s\) would be quarantined/);
    expect(text).toMatch(/keyframe_annotations 9: orphan: video_id → videos\.id = 4242 does not exist/);
    // tables this small take too little time for a rate
    expect(report.tables.every((t) => t.rowsPerSecond === null)).toBe(true);
    expect(formatSummary(report)).toMatch(/keyframe_annotations\s+10\s+0\s+2\s+[\d.]+\s+-\s+dry-run/);
  });

  it('again after success: "already migrated and verified"; a killed run is marked interrupted', async () => {
    const target = await database('again');
    const first = await migrate({ source: FIXTURE, databaseUrl: target.url, writer: 'copy' });
    expect(formatOutcome(first)).toMatch(/^migrated and verified/);
    // a run that never finished, as kill -9 leaves it
    await query(target.url, `UPDATE _migrator_runs SET status = 'running', finished_at = NULL`);
    const log: string[] = [];
    const again = await migrate({ source: FIXTURE, databaseUrl: target.url, onLog: (m) => log.push(m) });
    expect(formatOutcome(again)).toMatch(/^already migrated and verified/);
    expect(log.join('\n')).toMatch(/run 1, started .* UTC, was interrupted before it finished/);
    expect(await query(target.url, `SELECT id, status FROM _migrator_runs ORDER BY id`)).toEqual([
      { id: 1, status: 'interrupted' },
      { id: 2, status: 'completed' },
    ]);
    expect(again.quarantineReasons).toEqual(first.quarantineReasons);
  });

  it('a failed verification names the first differing ids', async () => {
    const target = await database('tampered');
    expect((await migrate({ source: FIXTURE, databaseUrl: target.url, writer: 'copy' })).ok).toBe(true);
    await query(
      target.url,
      `UPDATE keyframe_annotations SET comment = 'changed' WHERE id = 7;
       DELETE FROM keyframe_annotations WHERE id = 10`,
    );
    const report = await migrate({ source: FIXTURE, databaseUrl: target.url, verifyOnly: true });
    expect(report.ok).toBe(false);
    expect(report.tables.find((t) => t.table === 'keyframe_annotations')?.check).toMatch(
      /FAILED: .*first differing rows: id 7 \(values differ\), id 10 \(missing in the target\)$/,
    );
    expect(formatOutcome(report)).toMatch(/^verification FAILED:\n {2}keyframe_annotations: FAILED/);
  });

  it('progress shows the quarantined count, and no rate for a table too quick to measure', () => {
    const lines: string[] = [];
    const event: ProgressEvent = {
      table: 'videos',
      phase: 'migrate',
      read: 300,
      total: 300,
      written: 299,
      quarantined: 1,
      seconds: 0.00005,
      done: true,
    };
    progressPrinter({ isTTY: true, write: (text) => lines.push(text) })(event);
    progressPrinter({ write: (text) => lines.push(text) })(event);
    progressPrinter({ write: (text) => lines.push(text) })({
      ...event,
      read: 5000,
      total: 9000,
      seconds: 2,
      done: false,
    });
    expect(lines[0]).toMatch(/300\/300, 1 quarantined \(done\)\n$/);
    expect(lines[1]).toBe('migrate videos: 300/300 read, 299 written, 1 quarantined (done)\n');
    expect(lines[2]).toBe(
      'migrate videos: 5000/9000 read, 299 written, 1 quarantined, 2500 rows/s, ETA 2s\n',
    );
  });
});
