import Database from 'better-sqlite3';
import { createDatabase, tableMetadata, type ScalarType } from '@groundtruth/db';
import { sharedPath } from '@groundtruth/db/testing';
import { exportArchive, migrate } from '../src';
import { LEGACY_LAYOUT_SQL } from '../src/export/legacy-layout';
import { generateLegacyFile } from '../src/testing';
import {
  imported,
  importedBytes,
  sqliteMaster,
  sqliteSequence,
  storedRows,
  tableColumns,
  tableNames,
  type StoredValue,
} from './archive-compare';
import { query, scratch, targetState } from './helpers';

const FIXTURE = sharedPath('fixtures/legacy/video_archive.db');
const { file: scratchFile, database } = scratch('gt-export-');

async function columnTypes(url: string): Promise<Map<string, Map<string, ScalarType>>> {
  const db = createDatabase({
    url,
    poolMax: 1,
    connectTimeoutMs: 5000,
    idleTimeoutMs: 1000,
    statementTimeoutMs: 0,
    statementCacheSize: 0,
    applicationName: 'export-test',
  });
  try {
    return new Map(
      tableMetadata(db.prisma).map((t) => [t.table, new Map(t.columns.map((c) => [c.column, c.type]))]),
    );
  } finally {
    await db.close();
  }
}

/** The legacy app's start-up: every statement of the layout as CREATE … IF NOT EXISTS. */
function legacyStartup(file: string): void {
  const db = new Database(file);
  try {
    for (const sql of LEGACY_LAYOUT_SQL)
      db.exec(sql.replace(/^CREATE (TABLE|INDEX) /, 'CREATE $1 IF NOT EXISTS '));
  } finally {
    db.close();
  }
}

describe('export of the real legacy fixture', () => {
  let target: string;
  let out: string;

  beforeAll(async () => {
    target = (await database('export-fixture')).url;
    expect((await migrate({ source: FIXTURE, databaseUrl: target, writer: 'copy' })).ok).toBe(true);
    out = scratchFile('fixture-export.db');
  });

  it('gives back every row of the original file, value by value and byte for byte, in the legacy layout', async () => {
    const report = await exportArchive({ out, databaseUrl: target });
    expect(report.ok).toBe(true);
    expect([report.integrity, report.foreignKeys]).toEqual(['ok', 'ok']);
    expect(report.tables.every((t) => t.check === 'ok')).toBe(true);
    expect(report.leftOut).toEqual(
      expect.arrayContaining([
        'person_name_detections (derived)',
        'person_camera_edges (derived)',
        '_migrator_quarantine (bookkeeping)',
        '_prisma_migrations (bookkeeping)',
      ]),
    );
    for (const table of tableNames(FIXTURE)) {
      expect({ table, rows: storedRows(out, table) }).toEqual({ table, rows: storedRows(FIXTURE, table) });
    }
    // sqlite_sequence comes back as it was: the import moves each sequence past the legacy counter too, so where
    // the legacy file's counter was ahead of its rows (1 of 2 time_range_tags and all 7 training_jobs deleted)
    // those ids are not handed out again
    expect(sqliteSequence(out)).toEqual(sqliteSequence(FIXTURE));
    expect(sqliteSequence(FIXTURE)).toMatchObject({ time_range_tags: 2, training_jobs: 7 });
    // the same statements, verbatim; ecoeye_alerts (absent from this old file) comes in addition
    const original = sqliteMaster(FIXTURE);
    const exported = sqliteMaster(out);
    expect(exported.filter((entry) => entry.tbl_name !== 'ecoeye_alerts')).toEqual(original);
    expect(exported.filter((entry) => entry.tbl_name === 'ecoeye_alerts').map((e) => e.name)).toEqual([
      'sqlite_autoindex_ecoeye_alerts_1',
      'ecoeye_alerts',
    ]);
    // the legacy app's start-up CREATE … IF NOT EXISTS finds everything in place
    legacyStartup(out);
    expect(sqliteMaster(out)).toEqual(exported);
    // the file's own settings as the legacy files have them (rollback journal, page size, encoding, versions)
    const settings = (file: string) => {
      const db = new Database(file, { readonly: true });
      const names = [
        'journal_mode',
        'page_size',
        'encoding',
        'user_version',
        'application_id',
        'auto_vacuum',
      ];
      const values = names.map((name) => [name, db.pragma(name, { simple: true })]);
      db.close();
      return Object.fromEntries(values) as Record<string, unknown>;
    };
    expect(settings(out)).toEqual(settings(FIXTURE));
    expect(settings(out).journal_mode).toBe('delete');
  });

  it('export, then import into an empty database: the same PostgreSQL content', async () => {
    const again = await database('export-fixture-again');
    expect((await migrate({ source: out, databaseUrl: again.url, writer: 'copy' })).ok).toBe(true);
    expect(await targetState(again.url)).toEqual(await targetState(target));
  });
});

const baseSeed = Number(process.env.EXPORT_ROUNDTRIP_SEED ?? 20261201);
/** a newer file, and an older one (no keyframe_annotations.reviewed, ecoeye_alerts without video_path) */
const CASES = [
  { seed: baseSeed, shape: 'newer', reviewed: true, ecoeye: 'full' as const },
  { seed: baseSeed + 1, shape: 'older', reviewed: false, ecoeye: 'old' as const },
];

describe.each(CASES)(
  'round trip of a generated dirty $shape file (seed $seed; EXPORT_ROUNDTRIP_SEED overrides)',
  ({ seed, reviewed, ecoeye }) => {
    let source: string;
    let target: string;
    let types: Map<string, Map<string, ScalarType>>;
    let quarantined: Map<string, Set<bigint>>;

    beforeAll(async () => {
      process.stdout.write(`export round trip: seed ${seed}\n`);
      source = scratchFile(`dirty-${seed}.db`);
      generateLegacyFile(source, { scale: 0.002, seed, reviewed, ecoeye });
      target = (await database(`export-dirty-${seed}`)).url;
      const report = await migrate({ source, databaseUrl: target, writer: 'copy' });
      expect(report.ok).toBe(true);
      expect(report.quarantined).toBeGreaterThan(0);
      types = await columnTypes(target);
      quarantined = new Map();
      const rows = await query<{ table_name: string; legacy_rowid: string }>(
        target,
        'SELECT table_name, legacy_rowid::text FROM _migrator_quarantine',
      );
      for (const row of rows) {
        const set = quarantined.get(row.table_name) ?? new Set<bigint>();
        set.add(BigInt(row.legacy_rowid));
        quarantined.set(row.table_name, set);
      }
    });

    /** Every original row: quarantined ones byte for byte (or absent), the others as the import reads them. */
    function expectRoundTrip(out: string, withQuarantine: boolean): void {
      for (const table of tableNames(source)) {
        const columnType = types.get(table)!;
        const asImported = (row: Map<string, StoredValue>) =>
          new Map([...row].map(([column, stored]) => [column, imported(columnType.get(column)!, stored)]));
        const original = storedRows(source, table);
        // the columns an older file lacks are in the legacy layout (with their defaults): compared are the file's own
        const own = new Set(tableColumns(source, table));
        const exported = new Map(
          [...storedRows(out, table)].map(([rowid, row]) => [
            rowid,
            new Map([...row].filter(([c]) => own.has(c))),
          ]),
        );
        const skip = quarantined.get(table) ?? new Set<bigint>();
        const kept = [...original].filter(([rowid]) => !skip.has(rowid)).map(([, row]) => row);
        const back = [...original]
          .filter(([rowid]) => withQuarantine && skip.has(rowid))
          .map(([, row]) => row);
        expect({ table, rows: exported.size }).toEqual({ table, rows: kept.length + back.length });
        if (kept.concat(back).some((row) => !row.has('id'))) {
          // no id (video_tags): the rows as a multiset of what the import makes of them
          const multiset = (rows: Map<string, StoredValue>[]) =>
            rows
              .map((row) =>
                JSON.stringify([...asImported(row)], (_, v: unknown) =>
                  typeof v === 'bigint' ? `${v}n` : v,
                ),
              )
              .sort();
          expect({ table, rows: multiset([...exported.values()]) }).toEqual({
            table,
            rows: multiset(kept.concat(back)),
          });
          continue;
        }
        const byId = new Map([...exported.values()].map((row) => [String(row.get('id')!.value), row]));
        for (const row of kept) {
          const id = String(row.get('id')!.value);
          const found = byId.get(id);
          expect({ table, id, row: found && asImported(found) }).toEqual({ table, id, row: asImported(row) });
        }
        for (const row of back) {
          const id = String(row.get('id')!.value);
          expect({ table, id, row: byId.get(id) && importedBytes(byId.get(id)!) }).toEqual({
            table,
            id,
            row: importedBytes(row),
          });
        }
      }
    }

    it('import, then export: every row that was not quarantined comes back equal; the quarantined are reported', async () => {
      const out = scratchFile(`dirty-${seed}-export.db`);
      const report = await exportArchive({ out, databaseUrl: target });
      expect(report.ok).toBe(true);
      expect(report.quarantined).toBe([...quarantined.values()].reduce((n, s) => n + s.size, 0));
      expect(report.restored).toBe(0);
      expectRoundTrip(out, false);
      const again = await database(`export-dirty-${seed}-again`);
      expect((await migrate({ source: out, databaseUrl: again.url, writer: 'copy' })).ok).toBe(true);
      const { quarantine: _q, ...withoutQuarantine } = await targetState(target);
      const { quarantine, ...reimported } = await targetState(again.url);
      expect(quarantine).toEqual([]);
      expect(reimported).toEqual(withoutQuarantine);
    });

    it('--with-quarantine: the quarantined rows come back too, exactly as they were', async () => {
      const out = scratchFile(`dirty-${seed}-with-quarantine.db`);
      const report = await exportArchive({ out, databaseUrl: target, withQuarantine: true });
      expect(report.notRestored).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.restored).toBe(report.quarantined);
      expectRoundTrip(out, true);
      // imported again, the file quarantines the same rows for the same reasons: the whole state comes back,
      // but for the rowids of rows without an id (video_tags: the file numbers its rows anew) and the columns an
      // older file lacked (the layout has them, with their defaults)
      const again = await database(`export-dirty-${seed}-quarantine-again`);
      expect((await migrate({ source: out, databaseUrl: again.url, writer: 'copy' })).ok).toBe(true);
      const comparable = (state: Record<string, unknown>) => ({
        ...state,
        quarantine: (state.quarantine as Record<string, string>[]).map((entry) => {
          const own = new Set(tableColumns(source, entry.table_name!));
          const data = JSON.parse(entry.row_data!) as Record<string, unknown>;
          const rowless = entry.legacy_id!.startsWith('rowid ');
          return {
            ...entry,
            legacy_id: rowless ? 'rowid' : entry.legacy_id,
            legacy_rowid: rowless ? 'rowid' : entry.legacy_rowid,
            row_data: Object.fromEntries(Object.entries(data).filter(([column]) => own.has(column))),
          };
        }),
      });
      expect(comparable(await targetState(again.url))).toEqual(comparable(await targetState(target)));
    });
  },
);
