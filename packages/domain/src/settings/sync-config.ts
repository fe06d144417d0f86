import { Prisma, type Database } from '@groundtruth/db';
import type { SettingWrite, StoredSetting } from './schemas';
import { decryptSecret, encryptSecret, SecretDecryptionError } from './secrets';

/**
 * Key/value settings in `sync_config` (api.md §4.7), the one access to that table. Credentials are stored encrypted
 * in the legacy format (`encryptSecret`) with `is_encrypted` set; plain settings (hosts, ports) as text. Writes are
 * upserts that refresh `updated_at`.
 */

/**
 * The database, or a Prisma client or transaction of it: a caller that holds a transaction passes it, and callers
 * that still hold only the Prisma client (ecoeye) keep working.
 */
export type SettingsDb = Database | Prisma.TransactionClient;

function prismaOf(db: SettingsDb): Prisma.TransactionClient {
  return 'prisma' in db ? db.prisma : db;
}

/** The stored row of `key`, or null when it does not exist. */
export async function getSetting(db: SettingsDb, key: string): Promise<StoredSetting | null> {
  const row = await prismaOf(db).syncConfig.findUnique({ where: { configKey: key } });
  if (!row) return null;
  return { key: row.configKey, value: row.configValue, isEncrypted: row.isEncrypted === true };
}

/**
 * The plain text of a stored value; null when it cannot be decrypted (the legacy app treated a wrong secret as
 * "not configured").
 */
function plainValue(stored: string, isEncrypted: boolean, secret: string): string | null {
  if (!isEncrypted) return stored;
  try {
    return decryptSecret(stored, secret);
  } catch (error) {
    if (error instanceof SecretDecryptionError) return null;
    throw error;
  }
}

/** The plain value of `key`, decrypted when the row is encrypted; null when the key is missing or undecryptable. */
export async function getDecryptedSetting(
  db: SettingsDb,
  key: string,
  secret: string,
): Promise<string | null> {
  const setting = await getSetting(db, key);
  if (!setting || setting.value === null) return null;
  return plainValue(setting.value, setting.isEncrypted, secret);
}

/** Plain values of several keys at once (missing or undecryptable → null). */
export async function getDecryptedSettings<K extends string>(
  db: SettingsDb,
  keys: readonly K[],
  secret: string,
): Promise<Record<K, string | null>> {
  const rows = await prismaOf(db).syncConfig.findMany({ where: { configKey: { in: [...keys] } } });
  const result = Object.fromEntries(keys.map((key) => [key, null])) as Record<K, string | null>;
  for (const row of rows) {
    if (row.configValue === null) continue;
    result[row.configKey as K] = plainValue(row.configValue, row.isEncrypted === true, secret);
  }
  return result;
}

/**
 * One INSERT … ON CONFLICT for all rows: atomic on its own, so it needs no transaction. A key given twice is
 * written once, with its last value.
 */
async function upsert(db: SettingsDb, rows: readonly { key: string; stored: string; encrypted: boolean }[]) {
  const byKey = new Map(rows.map((row) => [row.key, row]));
  if (byKey.size === 0) return;
  const values = Prisma.join(
    [...byKey.values()].map((row) => Prisma.sql`(${row.key}, ${row.stored}, ${row.encrypted})`),
  );
  await prismaOf(db).$executeRaw`
    INSERT INTO sync_config (config_key, config_value, is_encrypted)
    VALUES ${values}
    ON CONFLICT (config_key) DO UPDATE
      SET config_value = EXCLUDED.config_value,
          is_encrypted = EXCLUDED.is_encrypted,
          updated_at = timezone('utc', now())`;
}

/**
 * Upserts one setting. `{ encrypted: true }` stores `encryptSecret(value, secret)`; `secret` is the
 * GROUNDTRUTH_ENCRYPTION_SECRET from config and is required for encrypted writes.
 */
export async function setSetting(
  db: SettingsDb,
  key: string,
  value: string,
  options: { encrypted?: false } | { encrypted: true; secret: string } = {},
): Promise<void> {
  const stored = options.encrypted ? encryptSecret(value, options.secret) : value;
  await upsert(db, [{ key, stored, encrypted: options.encrypted === true }]);
}

/** Upserts several settings at once: all are written or none. */
export async function setSettings(
  db: SettingsDb,
  settings: readonly SettingWrite[],
  secret: string,
): Promise<void> {
  await upsert(
    db,
    settings.map((setting) => ({
      key: setting.key,
      stored: setting.encrypted ? encryptSecret(setting.value, secret) : setting.value,
      encrypted: setting.encrypted === true,
    })),
  );
}

/** Removes settings (missing keys are ignored). */
export async function deleteSettings(db: SettingsDb, keys: readonly string[]): Promise<void> {
  await prismaOf(db).syncConfig.deleteMany({ where: { configKey: { in: [...keys] } } });
}

/** For showing a credential without revealing it: `••••` plus at most the last 4 characters of long values. */
export function maskSecret(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value.length <= 8) return '••••';
  return `••••${value.slice(-4)}`;
}
