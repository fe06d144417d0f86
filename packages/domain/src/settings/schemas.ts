import { z } from 'zod';

/** Settings: the `sync_config` key/value rows (api.md §4.7) that EcoEye and UniFi keep their configuration in. */

/** A stored row; for encrypted rows `value` is the legacy token, never the plain text. */
export const storedSettingSchema = z.object({
  key: z.string(),
  value: z.string().nullable(),
  isEncrypted: z.boolean(),
});
export type StoredSetting = z.infer<typeof storedSettingSchema>;

/** One setting to write: `encrypted` ones are stored as `encryptSecret(value, GROUNDTRUTH_ENCRYPTION_SECRET)`. */
export const settingWriteSchema = z.object({
  key: z.string(),
  value: z.string(),
  encrypted: z.boolean().optional(),
});
export type SettingWrite = z.infer<typeof settingWriteSchema>;
