import { ConfigError, loadConfig, requireDatabaseUrl } from '../src';

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
