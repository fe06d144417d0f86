import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** The legacy app's fallback key (it decrypts legacy archives' stored credentials); refused in production. */
export const DEFAULT_ENCRYPTION_SECRET = 'default-secret-change-me';

/**
 * Every setting of the platform, read from the environment. This is the one config loader: apps and packages
 * take the slice they need from `loadConfig()`. README's "Configuration" table documents each variable.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: optionalString,
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(0).default(5_000),
  DATABASE_IDLE_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  /** Prepared-statement cache entries per connection in the Prisma pg adapter (0 disables it). */
  DATABASE_STATEMENT_CACHE_SIZE: z.coerce.number().int().min(0).default(100),

  REDIS_URL: optionalString,
  QUEUE_PREFIX: z.string().min(1).default('groundtruth'),

  API_HOST: z.string().default('0.0.0.0'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(5000),
  API_WRITE_TOKEN: optionalString,
  /** A request body other than an upload must arrive within this long (408 otherwise). */
  API_BODY_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  /** A connection without traffic for this long is closed (uploads keep it busy; no overall request deadline). */
  API_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1).default(120_000),
  WEB_DIR: optionalString,
  DOWNLOADS_DIR: z.string().default('downloads'),
  THUMBNAILS_DIR: z.string().default('thumbnails'),
  EXPORTS_DIR: z.string().default('exports'),

  GROUNDTRUTH_ENCRYPTION_SECRET: z.string().min(1).default(DEFAULT_ENCRYPTION_SECRET),
  ECOEYE_BASE_URL: z.string().url().default('https://alert.ecoeyetech.com'),
  ECOEYE_API_KEY: optionalString,
  /** The yt-dlp executable for URL downloads (a name on PATH or a path). */
  YT_DLP_PATH: z.string().min(1).default('yt-dlp'),
  /** ffmpeg / ffprobe executables; unset: the binaries shipped in the npm packages, else PATH. */
  FFMPEG_PATH: optionalString,
  FFPROBE_PATH: optionalString,
  /** How long the UniFi Protect connection test waits for the NVR. */
  UNIFI_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  AWS_REGION: z.string().default('us-east-2'),
  AWS_ENDPOINT_URL: optionalString,
  S3_BUCKET: z.string().default('groundtruth-studio'),
  SQS_QUEUE_URL: optionalString,
  SQS_DLQ_URL: optionalString,
  TRAINING_BACKEND: z.enum(['sqs', 'queue']).default('queue'),
  STUDIO_URL: z.string().url().default('http://localhost:5000'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** How long a job's lock lives without renewal: a killed worker's jobs are re-run after about this long. */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** On SIGTERM: how long active jobs may run on before they are aborted and handed back to the queue. */
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000),

  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  EMBEDDED_POSTGRES_DIR: z.string().default('.data/postgres'),
  CI: booleanFromEnv,
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the given environment (process.env by default); throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const config = result.data;
  if (
    config.NODE_ENV === 'production' &&
    config.GROUNDTRUTH_ENCRYPTION_SECRET === DEFAULT_ENCRYPTION_SECRET
  ) {
    throw new ConfigError([
      'GROUNDTRUTH_ENCRYPTION_SECRET: the default secret is refused under NODE_ENV=production (set a secret of your own)',
    ]);
  }
  return config;
}

/** What an operator must hear at start-up: settings that leave the server open. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.API_WRITE_TOKEN) {
    warnings.push(
      'API_WRITE_TOKEN is not set: anyone who reaches this server can change and delete data (cross-site browser ' +
        'writes are still refused). Set API_WRITE_TOKEN to require `Authorization: Bearer <token>` on writes.',
    );
  }
  return warnings;
}

/** Like loadConfig, but DATABASE_URL must be set. */
export function requireDatabaseUrl(config: Config): string {
  if (!config.DATABASE_URL)
    throw new ConfigError(['DATABASE_URL: required (postgresql://user@host:port/db)']);
  return config.DATABASE_URL;
}
