import type { Prisma, PrismaClient } from '@groundtruth/db';
import { decryptSecret, encryptSecret, SecretDecryptionError } from './secrets';

/**
 * Key/value settings in `sync_config` (api.md §4.7). Credentials are stored encrypted in the legacy format
 * (`encryptSecret`) with `is_encrypted` set; plain settings (hosts, ports) as text. Writes are upserts that
 * refresh `updated_at`.
 */
export type SettingsClient = PrismaClient | Prisma.TransactionClient;

export type SettingWrite =
  { key: string; value: string; encrypted?: false } | { key: string; value: string; encrypted: true };

export interface StoredSetting {
  key: string;
  /** As stored: for encrypted rows the legacy token, never the plain text. */
  value: string | null;
  isEncrypted: boolean;
}

/** The stored row of `key`, or null when it does not exist. */
export async function getSetting(prisma: SettingsClient, key: string): Promise<StoredSetting | null> {
  const row = await prisma.syncConfig.findUnique({ where: { configKey: key } });
  if (!row) return null;
  return { key: row.configKey, value: row.configValue, isEncrypted: row.isEncrypted === true };
}

/**
 * The plain value of `key`: decrypted when the row is encrypted. Null when the key is missing or its value
 * cannot be decrypted (the legacy app treated a wrong secret as "not configured").
 */
export async function getDecryptedSetting(
  prisma: SettingsClient,
  key: string,
  secret: string,
): Promise<string | null> {
  const setting = await getSetting(prisma, key);
  if (!setting || setting.value === null) return null;
  if (!setting.isEncrypted) return setting.value;
  try {
    return decryptSecret(setting.value, secret);
  } catch (error) {
    if (error instanceof SecretDecryptionError) return null;
    throw error;
  }
}

/** Plain values of several keys at once (missing or undecryptable → null). */
export async function getDecryptedSettings<K extends string>(
  prisma: SettingsClient,
  keys: readonly K[],
  secret: string,
): Promise<Record<K, string | null>> {
  const rows = await prisma.syncConfig.findMany({ where: { configKey: { in: [...keys] } } });
  const result = Object.fromEntries(keys.map((key) => [key, null])) as Record<K, string | null>;
  for (const row of rows) {
    if (row.configValue === null) continue;
    let value: string | null = row.configValue;
    if (row.isEncrypted) {
      try {
        value = decryptSecret(row.configValue, secret);
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        value = null;
      }
    }
    result[row.configKey as K] = value;
  }
  return result;
}

async function upsert(prisma: SettingsClient, key: string, stored: string, encrypted: boolean) {
  await prisma.$executeRaw`
    INSERT INTO sync_config (config_key, config_value, is_encrypted)
    VALUES (${key}, ${stored}, ${encrypted})
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
  prisma: SettingsClient,
  key: string,
  value: string,
  options: { encrypted?: false } | { encrypted: true; secret: string } = {},
): Promise<void> {
  if (options.encrypted) await upsert(prisma, key, encryptSecret(value, options.secret), true);
  else await upsert(prisma, key, value, false);
}

/** Upserts several settings in one transaction: all are written or none. */
export async function setSettings(
  prisma: PrismaClient,
  settings: readonly SettingWrite[],
  secret: string,
): Promise<void> {
  const rows = settings.map((setting) => ({
    key: setting.key,
    stored: setting.encrypted ? encryptSecret(setting.value, secret) : setting.value,
    encrypted: setting.encrypted === true,
  }));
  await prisma.$transaction(async (tx) => {
    for (const row of rows) await upsert(tx, row.key, row.stored, row.encrypted);
  });
}

/** Removes settings (missing keys are ignored). */
export async function deleteSettings(prisma: SettingsClient, keys: readonly string[]): Promise<void> {
  await prisma.syncConfig.deleteMany({ where: { configKey: { in: [...keys] } } });
}

/** For showing a credential without revealing it: `••••` plus at most the last 4 characters of long values. */
export function maskSecret(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value.length <= 8) return '••••';
  return `••••${value.slice(-4)}`;
}
