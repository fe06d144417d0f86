import type { Database } from '@groundtruth/db';
import { NotConfiguredError } from '../shared/errors';
import { getDecryptedSettings, getSetting, setSettings } from '../settings/sync-config';

/** The EcoEye settings in `sync_config` (api.md §4.5, §4.7): the credentials (encrypted) and the sync interval. */

export const ECOEYE_KEYS = {
  apiKey: 'ecoeye.api_key',
  apiSecret: 'ecoeye.api_secret',
  syncIntervalMinutes: 'ecoeye.sync_interval_minutes',
} as const;

export interface EcoeyeCredentials {
  apiKey: string;
  apiSecret: string;
}

/** The decrypted credentials, or null when missing or not decryptable with this secret. */
export async function getEcoeyeCredentials(db: Database, secret: string): Promise<EcoeyeCredentials | null> {
  const values = await getDecryptedSettings(db.prisma, [ECOEYE_KEYS.apiKey, ECOEYE_KEYS.apiSecret], secret);
  const apiKey = values[ECOEYE_KEYS.apiKey];
  const apiSecret = values[ECOEYE_KEYS.apiSecret];
  return apiKey && apiSecret ? { apiKey, apiSecret } : null;
}

/** The credentials; NotConfiguredError (the legacy 400) when there are none. */
export async function requireEcoeyeCredentials(db: Database, secret: string): Promise<EcoeyeCredentials> {
  const credentials = await getEcoeyeCredentials(db, secret);
  if (!credentials) throw new NotConfiguredError('EcoEye credentials not configured');
  return credentials;
}

/** Stores the credentials encrypted (legacy format) and the optional sync interval, in one transaction. */
export async function saveEcoeyeSettings(
  db: Database,
  settings: { apiKey: string; apiSecret: string; syncIntervalMinutes?: number | undefined },
  secret: string,
): Promise<void> {
  await setSettings(
    db.prisma,
    [
      { key: ECOEYE_KEYS.apiKey, value: settings.apiKey, encrypted: true },
      { key: ECOEYE_KEYS.apiSecret, value: settings.apiSecret, encrypted: true },
      ...(settings.syncIntervalMinutes !== undefined
        ? [{ key: ECOEYE_KEYS.syncIntervalMinutes, value: String(settings.syncIntervalMinutes) }]
        : []),
    ],
    secret,
  );
}

/**
 * Minutes between scheduled alert syncs, as stored (unset or unreadable: 0). The API reports this value; the
 * scheduler runs no sync unless it is a positive finite number.
 */
export async function getSyncIntervalMinutes(db: Database): Promise<number> {
  const setting = await getSetting(db.prisma, ECOEYE_KEYS.syncIntervalMinutes);
  return Number(setting?.value ?? 0) || 0;
}
