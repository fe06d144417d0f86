import type { Database } from '@groundtruth/db';
import { getDecryptedSettings, setSettings } from '../settings/sync-config';
import type { UnifiConfigSummary, UnifiSettings } from './schemas';

/**
 * UniFi Protect settings in `sync_config`, keys as the legacy app stored them: host, port (text) and verify_ssl
 * ("True"/"False") in plain text, username and password encrypted.
 */
export const UNIFI_KEYS = {
  host: 'unifi.host',
  port: 'unifi.port',
  verifySsl: 'unifi.verify_ssl',
  username: 'unifi.username',
  password: 'unifi.password',
} as const;

async function readSettings(db: Database, secret: string) {
  return getDecryptedSettings(db, Object.values(UNIFI_KEYS), secret);
}

function parsePort(text: string | null): number | null {
  if (text === null || !/^\d+$/.test(text)) return null;
  return Number(text);
}

export async function getUnifiConfig(db: Database, secret: string): Promise<UnifiConfigSummary> {
  const stored = await readSettings(db, secret);
  return {
    configured: Boolean(
      stored[UNIFI_KEYS.host] && stored[UNIFI_KEYS.username] && stored[UNIFI_KEYS.password],
    ),
    host: stored[UNIFI_KEYS.host],
    port: parsePort(stored[UNIFI_KEYS.port]),
    verify_ssl: stored[UNIFI_KEYS.verifySsl] !== 'False',
  };
}

/** The stored connection settings, or null when incomplete (or the secrets cannot be decrypted). */
export async function getUnifiSettings(db: Database, secret: string): Promise<UnifiSettings | null> {
  const stored = await readSettings(db, secret);
  const host = stored[UNIFI_KEYS.host];
  const username = stored[UNIFI_KEYS.username];
  const password = stored[UNIFI_KEYS.password];
  if (!host || !username || !password) return null;
  return {
    host,
    port: parsePort(stored[UNIFI_KEYS.port]) ?? 443,
    verifySsl: stored[UNIFI_KEYS.verifySsl] !== 'False',
    username,
    password,
  };
}

/** Writes all five settings in one transaction. */
export async function saveUnifiConfig(db: Database, settings: UnifiSettings, secret: string): Promise<void> {
  await setSettings(
    db,
    [
      { key: UNIFI_KEYS.host, value: settings.host },
      { key: UNIFI_KEYS.port, value: String(settings.port) },
      { key: UNIFI_KEYS.verifySsl, value: settings.verifySsl ? 'True' : 'False' },
      { key: UNIFI_KEYS.username, value: settings.username, encrypted: true },
      { key: UNIFI_KEYS.password, value: settings.password, encrypted: true },
    ],
    secret,
  );
}
