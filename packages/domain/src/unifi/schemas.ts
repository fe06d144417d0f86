import { z } from 'zod';
import { legacyBoolean } from '../shared/input';

/** UniFi Protect settings and the connection test (api.md §4.6); credentials are stored encrypted (§4.7). */

/** The stored connection settings, credentials decrypted: never sent to a client. */
export const unifiSettingsSchema = z.object({
  host: z.string(),
  port: z.number(),
  verifySsl: z.boolean(),
  username: z.string(),
  password: z.string(),
});
export type UnifiSettings = z.infer<typeof unifiSettingsSchema>;

/** What may be shown: never the credentials. */
export const unifiConfigSummarySchema = z.object({
  configured: z.boolean(),
  host: z.string().nullable(),
  port: z.number().nullable(),
  verify_ssl: z.boolean(),
});
export type UnifiConfigSummary = z.infer<typeof unifiConfigSummarySchema>;

export const unifiNvrSchema = z.object({ name: z.string().nullable(), version: z.string().nullable() });

/** The connection test: what Protect's bootstrap told, or an error a user can act on. */
export const unifiTestResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), nvr: unifiNvrSchema, cameraCount: z.number() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type UnifiTestResult = z.infer<typeof unifiTestResultSchema>;

// ---- requests

/** Host, username and password are required (checked by the service, with the legacy message). */
export const unifiConfigBody = z.object({
  host: z.string().trim().regex(/^\S*$/, 'must not contain spaces').nullish(),
  username: z.string().nullish(),
  password: z.string().nullish(),
  port: z.number().int().min(1).max(65535).nullish(),
  verify_ssl: legacyBoolean.nullish(),
});
export type UnifiConfigInput = z.infer<typeof unifiConfigBody>;

// ---- responses

export const unifiConfigResponse = unifiConfigSummarySchema.extend({ success: z.literal(true) });
export const saveUnifiConfigResponse = z.object({ success: z.literal(true), message: z.string() });

export const unifiTestResponse = z.object({
  success: z.boolean(),
  message: z.string(),
  error: z.string().optional(),
  nvr: unifiNvrSchema.optional(),
  camera_count: z.number().optional(),
});
export type UnifiTestAnswer = z.infer<typeof unifiTestResponse>;
