import {
  decryptSecret,
  deleteSettings,
  getDecryptedSetting,
  getDecryptedSettings,
  getSetting,
  maskSecret,
  setSetting,
  setSettings,
} from '../src';
import { openTestDatabase } from './open-test-database';

const SECRET = 'test-secret';

describe('sync_config settings', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    db = await openTestDatabase('domain-sync-config');
  });
  afterAll(() => db.close());

  it('stores plain settings as text and upserts them', async () => {
    await setSetting(db.prisma, 'unifi.host', '10.0.0.1');
    await setSetting(db.prisma, 'unifi.host', '10.0.0.2');
    expect(await getSetting(db.prisma, 'unifi.host')).toEqual({
      key: 'unifi.host',
      value: '10.0.0.2',
      isEncrypted: false,
    });
    const rows = await db.prisma.syncConfig.findMany({ where: { configKey: 'unifi.host' } });
    expect(rows).toHaveLength(1);
  });

  it('stores secrets encrypted in the legacy format and decrypts them', async () => {
    await setSetting(db.prisma, 'x.password', 'hunter2', { encrypted: true, secret: SECRET });
    const row = await db.prisma.syncConfig.findUniqueOrThrow({ where: { configKey: 'x.password' } });
    expect(row.isEncrypted).toBe(true);
    expect(row.configValue).not.toContain('hunter2');
    expect(decryptSecret(row.configValue!, SECRET)).toBe('hunter2');
    expect(await getDecryptedSetting(db.prisma, 'x.password', SECRET)).toBe('hunter2');
  });

  it('treats a value that cannot be decrypted, or a missing key, as not configured', async () => {
    expect(await getDecryptedSetting(db.prisma, 'x.password', 'other-secret')).toBeNull();
    expect(await getDecryptedSetting(db.prisma, 'missing', SECRET)).toBeNull();
    expect(await getSetting(db.prisma, 'missing')).toBeNull();
  });

  it('writes several settings in one transaction and reads them back together', async () => {
    await setSettings(
      db.prisma,
      [
        { key: 'y.user', value: 'admin', encrypted: true },
        { key: 'y.port', value: '443' },
      ],
      SECRET,
    );
    expect(await getDecryptedSettings(db.prisma, ['y.user', 'y.port', 'y.none'], SECRET)).toEqual({
      'y.user': 'admin',
      'y.port': '443',
      'y.none': null,
    });
    await deleteSettings(db.prisma, ['y.user', 'y.port']);
    expect(await getSetting(db.prisma, 'y.user')).toBeNull();
  });

  it('refreshes updated_at on upsert', async () => {
    await db.prisma
      .$executeRaw`UPDATE sync_config SET updated_at = '2000-01-01' WHERE config_key = 'unifi.host'`;
    await setSetting(db.prisma, 'unifi.host', '10.0.0.3');
    const row = await db.prisma.syncConfig.findUniqueOrThrow({ where: { configKey: 'unifi.host' } });
    expect(row.updatedAt!.getUTCFullYear()).toBeGreaterThan(2000);
  });

  it('masks secrets', () => {
    expect(maskSecret('abcdefghijkl')).toBe('••••ijkl');
    expect(maskSecret('short')).toBe('••••');
    expect(maskSecret(null)).toBeNull();
  });
});
