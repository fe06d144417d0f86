import type { ProgressEvent, RunSummary } from '../shared/report';

export interface ExportOptions {
  /** the legacy SQLite file to write */
  out: string;
  databaseUrl: string;
  /** replace OUT when it exists (refused otherwise) */
  force?: boolean;
  /** put the rows quarantined at import (`_migrator_quarantine.row_data`) back as they were */
  withQuarantine?: boolean;
  onProgress?: (event: ProgressEvent) => void;
  onLog?: (message: string) => void;
}

export interface ExportReport extends RunSummary {
  mode: 'export';
  /** the file written */
  out: string;
  /** the database read (password redacted) */
  source: string;
  /** tables of the database the legacy app does not know, not exported */
  leftOut: string[];
  /** rows put back from quarantine (--with-quarantine) */
  restored: number;
  /** quarantined rows SQLite refused to take back, with its reason */
  notRestored: string[];
  /** PRAGMA integrity_check of the file: 'ok' or 'FAILED: …' */
  integrity: string;
  /** PRAGMA foreign_key_check of the file: 'ok' (no row without its parent, restored orphans aside) or 'FAILED: …' */
  foreignKeys: string;
}
