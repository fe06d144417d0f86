import type { z } from 'zod';
import { PermanentJobError, type JobContext, type JobProcessors } from '@groundtruth/jobs';
import { ingestDirs } from '../ingest/files';
import type { DomainDeps } from '../shared/deps';
import { InvalidInputError, NotConfiguredError } from '../shared/errors';
import { syncEcoeyeAlerts } from './alert-sync';
import { downloadAlertVideo, downloadPendingVideos } from './alert-videos';
import { createEcoeyeClient, type EcoeyeClient, type EcoeyeClientOptions } from './client';
import { ECOEYE_SYNC_SCHEDULER_ID, type ecoeyeJobs } from './jobs';
import { alertCounters, alertsAwaitingDownload, listAlerts, listSyncHistory } from './queries';
import type {
  AlertSyncAnswer,
  AlertSyncWindow,
  ConnectionTestAnswer,
  EcoeyeConfigAnswer,
  SaveEcoeyeConfig,
} from './schemas';
import {
  getEcoeyeCredentials,
  getSyncIntervalMinutes,
  requireEcoeyeCredentials,
  saveEcoeyeSettings,
} from './settings';

type SyncData = z.output<(typeof ecoeyeJobs)['ecoeye.syncAlerts']['data']>;
type DownloadData = z.output<(typeof ecoeyeJobs)['ecoeye.downloadVideo']['data']>;

export interface EcoeyeSyncOptions {
  /** Client tuning (timeouts, back-off), mostly for tests and the benchmark. */
  client?: Partial<EcoeyeClientOptions>;
  /** Events per GET /events page (default 500). */
  pageSize?: number;
}

/**
 * The EcoEye alert sync (api.md §4.5, route 69; jobs.md "EcoEye alert sync"): its settings, runs on demand and as
 * jobs (`ecoeye.syncAlerts`, `ecoeye.downloadVideo`), the job scheduler and the reports.
 */
export class EcoeyeSyncService {
  readonly processors: JobProcessors<typeof ecoeyeJobs> = {
    'ecoeye.syncAlerts': (data: SyncData, context: JobContext) => this.syncJob(data, context),
    'ecoeye.downloadVideo': (data: DownloadData, context: JobContext) => this.downloadJob(data, context),
  };

  constructor(
    private readonly deps: Pick<DomainDeps, 'config' | 'db' | 'jobs' | 'media'>,
    private readonly options: EcoeyeSyncOptions = {},
  ) {}

  /** Route 62: whether credentials are stored (never the credentials), the relay URL and the sync interval. */
  async config(): Promise<EcoeyeConfigAnswer> {
    const { config, db } = this.deps;
    const credentials = await getEcoeyeCredentials(db, config.GROUNDTRUTH_ENCRYPTION_SECRET);
    const interval = await getSyncIntervalMinutes(db);
    return {
      success: true,
      configured: credentials !== null,
      // §9 #22: the URL actually used, not the legacy `alerts.` typo.
      base_url: config.ECOEYE_BASE_URL.replace(/\/+$/, ''),
      sync_interval_minutes: interval,
    };
  }

  /** Route 63: stores the credentials encrypted and, when given, the interval (re-applied to the scheduler). */
  async saveConfig(input: SaveEcoeyeConfig): Promise<void> {
    if (!input.api_key || !input.api_secret) throw new InvalidInputError('API key and secret required');
    await saveEcoeyeSettings(
      this.deps.db,
      {
        apiKey: input.api_key,
        apiSecret: input.api_secret,
        syncIntervalMinutes: input.sync_interval_minutes,
      },
      this.deps.config.GROUNDTRUTH_ENCRYPTION_SECRET,
    );
    if (input.sync_interval_minutes !== undefined) await this.applySchedule();
  }

  /** Route 64: GET /health with the stored credentials; a failure is reported, not thrown. */
  async testConnection(): Promise<ConnectionTestAnswer> {
    const client = await this.client();
    const host = new URL(client.baseUrl).host;
    try {
      const health = await client.health();
      return {
        success: true,
        status: 'connected',
        server_time: health.timestamp ?? health.server_time ?? null,
        api_version: health.version ?? health.api_version ?? 'unknown',
        message: `Successfully connected to ${host}`,
      };
    } catch (error) {
      const text = (error as Error).message;
      return { success: false, status: 'error', error: text, message: `Failed to connect: ${text}` };
    }
  }

  /** Route 65: one alert sync now, recorded in sync_history. */
  async syncNow(window: AlertSyncWindow): Promise<AlertSyncAnswer> {
    const result = await syncEcoeyeAlerts(this.deps.db, await this.client(), {
      start: window.start_time,
      end: window.end_time,
      pageSize: this.options.pageSize,
    });
    if (!result.success) return { success: false, error: result.error };
    return {
      success: true,
      total_synced: result.total_synced,
      new_alerts: result.new_alerts,
      updated_alerts: result.updated_alerts,
      failed: result.failed,
      start_time: result.start_time,
      end_time: result.end_time,
    };
  }

  /** Route 66: downloads up to `limit` pending alert videos now. */
  async downloadPending(limit: number) {
    return downloadPendingVideos(this.deps.db, await this.client(), limit, ingestDirs(this.deps));
  }

  /** Route 67 (credentials required, as the legacy route). */
  async status() {
    await this.requireCredentials();
    return alertCounters(this.deps.db);
  }

  /** Route 68 (no credentials needed). */
  listAlerts(limit: number, offset: number) {
    return listAlerts(this.deps.db, limit, offset);
  }

  /** Route 69. */
  history(limit: number) {
    return listSyncHistory(this.deps.db, limit);
  }

  /**
   * Creates, updates or removes the job scheduler of the alert sync from the interval stored in settings
   * (0, negative or unreadable: no schedule). The worker calls it at start-up, the API after saving settings.
   * Returns the minutes between runs (0: none).
   */
  async applySchedule(): Promise<number> {
    const { db, jobs } = this.deps;
    const minutes = await getSyncIntervalMinutes(db);
    if (!(Number.isFinite(minutes) && minutes > 0)) {
      await jobs.unschedule('ecoeye.syncAlerts', ECOEYE_SYNC_SCHEDULER_ID);
      return 0;
    }
    await jobs.schedule('ecoeye.syncAlerts', ECOEYE_SYNC_SCHEDULER_ID, minutes * 60_000, {
      download_videos: true,
    });
    return minutes;
  }

  private requireCredentials() {
    return requireEcoeyeCredentials(this.deps.db, this.deps.config.GROUNDTRUTH_ENCRYPTION_SECRET);
  }

  /** The one client of the sync: the stored credentials (NotConfiguredError without) and this service's tuning. */
  private async client(): Promise<EcoeyeClient> {
    const credentials = await this.requireCredentials();
    return createEcoeyeClient(this.deps.config.ECOEYE_BASE_URL, credentials, this.options.client);
  }

  /** A job cannot fix missing credentials by retrying: it fails at once. */
  private async jobClient(): Promise<EcoeyeClient> {
    try {
      return await this.client();
    } catch (error) {
      if (error instanceof NotConfiguredError) throw new PermanentJobError(error.message);
      throw error;
    }
  }

  /** `ecoeye.syncAlerts`: one sync run, then (when asked) a download job for every alert video not downloaded yet. */
  private async syncJob(data: SyncData, context: JobContext) {
    const { db, jobs } = this.deps;
    const result = await syncEcoeyeAlerts(db, await this.jobClient(), {
      start: data.start_time ? new Date(data.start_time) : undefined,
      end: data.end_time ? new Date(data.end_time) : undefined,
      pageSize: this.options.pageSize,
      signal: context.signal,
      onProgress: (progress) => context.progress(progress),
    });
    // A relay that stays unreachable fails the run (recorded in sync_history) and BullMQ retries it.
    if (!result.success) throw new Error(result.error ?? 'EcoEye alert sync failed');
    let downloadsQueued = 0;
    if (data.download_videos) {
      for (const alertId of await alertsAwaitingDownload(db)) {
        const queued = await jobs.enqueue('ecoeye.downloadVideo', { alert_id: alertId });
        if (queued.created) downloadsQueued += 1;
      }
    }
    return {
      success: result.success,
      history_id: result.history_id,
      total_synced: result.total_synced,
      new_alerts: result.new_alerts,
      updated_alerts: result.updated_alerts,
      failed: result.failed,
      downloads_queued: downloadsQueued,
    };
  }

  /** `ecoeye.downloadVideo`: an alert that does not exist fails at once; other failures are retried. */
  private async downloadJob(data: DownloadData, context: JobContext) {
    const client = await this.jobClient();
    const result = await downloadAlertVideo(
      this.deps.db,
      client,
      data.alert_id,
      ingestDirs(this.deps),
      context.signal,
    );
    if (result.status === 'failed') {
      if (result.error.startsWith(`Alert ${data.alert_id} not found`))
        throw new PermanentJobError(result.error);
      throw new Error(result.error);
    }
    return {
      alert_id: result.alert_id,
      video_id: result.video_id,
      path: result.path,
      already: result.already,
    };
  }
}
