import type { DomainDeps } from '../shared/deps';
import { InvalidInputError, NotConfiguredError } from '../shared/errors';
import { testUnifiConnection } from './client';
import { getUnifiConfig, getUnifiSettings, saveUnifiConfig } from './queries';
import type { UnifiConfigInput, UnifiConfigSummary, UnifiTestAnswer } from './schemas';

/** UniFi Protect: its stored settings (credentials encrypted, never shown) and the connection test (api.md §4.6). */
export class UnifiService {
  constructor(private readonly deps: Pick<DomainDeps, 'config' | 'db'>) {}

  private get secret(): string {
    return this.deps.config.GROUNDTRUTH_ENCRYPTION_SECRET;
  }

  /** Whether it is configured, with host and port. */
  getConfig(): Promise<UnifiConfigSummary> {
    return getUnifiConfig(this.deps.db, this.secret);
  }

  /** Stores the settings (port 443 and SSL verification by default); host, username and password are required. */
  async saveConfig(input: UnifiConfigInput): Promise<void> {
    if (!input.host || !input.username || !input.password) {
      throw new InvalidInputError('Host, username, and password required');
    }
    await saveUnifiConfig(
      this.deps.db,
      {
        host: input.host,
        port: input.port ?? 443,
        verifySsl: input.verify_ssl ?? true,
        username: input.username,
        password: input.password,
      },
      this.secret,
    );
  }

  /**
   * Logs in to the configured NVR and reads its Protect bootstrap, bounded by UNIFI_TIMEOUT_MS. A failure to connect
   * is an answer (success false, with the reason), not an error.
   */
  async testConnection(): Promise<UnifiTestAnswer> {
    const settings = await getUnifiSettings(this.deps.db, this.secret);
    if (!settings) throw new NotConfiguredError('UniFi Protect credentials not configured');
    const result = await testUnifiConnection(settings, { timeoutMs: this.deps.config.UNIFI_TIMEOUT_MS });
    if (!result.ok)
      return { success: false, message: `Failed to connect: ${result.error}`, error: result.error };
    const name = result.nvr.name ?? settings.host;
    const version = result.nvr.version ? ` (version ${result.nvr.version})` : '';
    return {
      success: true,
      message: `Connected to UniFi Protect ${name}${version}`,
      nvr: result.nvr,
      camera_count: result.cameraCount,
    };
  }
}
