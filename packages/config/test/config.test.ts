import { ConfigError, configWarnings, loadConfig, requireDatabaseUrl } from '../src';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.API_PORT).toBe(5000);
    expect(config.DATABASE_POOL_MAX).toBe(10);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.GROUNDTRUTH_ENCRYPTION_SECRET).toBe('default-secret-change-me');
  });

  it('coerces numbers and treats empty strings as unset', () => {
    const config = loadConfig({ API_PORT: '8080', DATABASE_URL: '', REDIS_URL: ' ' });
    expect(config.API_PORT).toBe(8080);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('names every invalid variable', () => {
    expect.assertions(3);
    try {
      loadConfig({ API_PORT: 'abc', DATABASE_POOL_MAX: '0' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain('API_PORT');
      expect((error as ConfigError).message).toContain('DATABASE_POOL_MAX');
    }
  });

  it('requireDatabaseUrl explains what is missing', () => {
    expect(() => requireDatabaseUrl(loadConfig({}))).toThrow(/DATABASE_URL: required/);
  });
});

describe('production safety', () => {
  it('refuses the default encryption secret under NODE_ENV=production, and accepts an own one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /GROUNDTRUTH_ENCRYPTION_SECRET: the default secret/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', GROUNDTRUTH_ENCRYPTION_SECRET: 'default-secret-change-me' }),
    ).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'production', GROUNDTRUTH_ENCRYPTION_SECRET: 'own' }).NODE_ENV).toBe(
      'production',
    );
    expect(loadConfig({ NODE_ENV: 'development' }).GROUNDTRUTH_ENCRYPTION_SECRET).toBe(
      'default-secret-change-me',
    );
  });

  it('warns when no write token is set', () => {
    expect(configWarnings(loadConfig({}))).toEqual([expect.stringContaining('API_WRITE_TOKEN is not set')]);
    expect(configWarnings(loadConfig({ API_WRITE_TOKEN: 't' }))).toEqual([]);
  });
});
