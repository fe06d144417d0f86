import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DomainDeps } from '../shared/deps';
import { safeFolderName, seededShuffle, writeFolderAtomically } from '../shared/files';
import { vibrationExportData, type VibrationExportInput, type VibrationExportResult } from './jobs';
import { jsonValueText } from '../shared/legacy-format';
import { vibrationSamples } from './queries';

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'boolean' ? (value ? 'True' : 'False') : jsonValueText(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(fields: string[], rows: Record<string, unknown>[]): string {
  return (
    [fields.join(','), ...rows.map((row) => fields.map((field) => csvCell(row[field])).join(','))].join(
      '\n',
    ) + '\n'
  );
}

function defaultOutputName(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `vibration_export_${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_${pad(
    now.getUTCHours(),
  )}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
}

/**
 * Vibration / time-range export (api.md route 84): seeded shuffle, the first ⌊n × val_split⌋ (≥ 1 when n > 1)
 * to val, CSV files and manifest.json. Parquet needs a writer we do not ship: it is replaced by CSV, as the legacy
 * app did without pyarrow.
 */
export async function exportVibrationDataset(
  deps: Pick<DomainDeps, 'config' | 'db'>,
  input: VibrationExportInput,
): Promise<VibrationExportResult> {
  const options = vibrationExportData.parse(input);
  const { samples, groupNames } = await vibrationSamples(deps.db, options.tag_filter);
  if (samples.length === 0) {
    return { success: true, export_path: null, total_samples: 0, message: 'No time-range annotations found' };
  }
  const shuffled = seededShuffle(samples, options.seed);
  let valCount = Math.floor(shuffled.length * options.val_split);
  if (shuffled.length > 1) valCount = Math.max(1, valCount);
  const counters = { train: 0, val: 0 };
  const rows = shuffled.map((sample, index) => {
    const split = index < valCount ? 'val' : 'train';
    const sampleId = `${split}_${String(counters[split]++).padStart(5, '0')}`;
    return { sample_id: sampleId, ...sample, split };
  });
  const fields = [
    'sample_id',
    'video_id',
    'video_title',
    'filename',
    'tag_name',
    'start_time',
    'end_time',
    'duration',
    'is_negative',
    'comment',
    'label',
    'split',
    ...groupNames,
  ];
  const labelDistribution: Record<string, number> = {};
  for (const row of rows) labelDistribution[row.label] = (labelDistribution[row.label] ?? 0) + 1;
  const exportsDir = path.resolve(deps.config.EXPORTS_DIR);
  const exportPath = path.join(exportsDir, safeFolderName(options.output_name ?? defaultOutputName()));
  await mkdir(exportsDir, { recursive: true });
  const formats = ['csv'];
  const train = rows.filter((row) => row.split === 'train');
  const val = rows.filter((row) => row.split === 'val');
  await writeFolderAtomically(exportPath, async (folder) => {
    await writeFile(path.join(folder, 'train_samples.csv'), toCsv(fields, train));
    await writeFile(path.join(folder, 'val_samples.csv'), toCsv(fields, val));
    await writeFile(path.join(folder, 'all_samples.csv'), toCsv(fields, rows));
    await writeFile(
      path.join(folder, 'manifest.json'),
      JSON.stringify(
        {
          export_date: new Date().toISOString(),
          total_samples: rows.length,
          train_samples: train.length,
          val_samples: val.length,
          labels: Object.keys(labelDistribution).sort(),
          label_distribution: labelDistribution,
          formats,
          tag_filter: options.tag_filter ?? null,
          val_split: options.val_split,
          fields,
        },
        null,
        2,
      ),
    );
  });
  return {
    success: true,
    export_path: exportPath,
    total_samples: rows.length,
    train_count: train.length,
    val_count: val.length,
    labels: Object.keys(labelDistribution).sort(),
    label_distribution: labelDistribution,
    formats,
  };
}
