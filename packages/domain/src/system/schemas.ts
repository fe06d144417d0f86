import { z } from 'zod';

const probe = { ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() };

/** `GET /api/health`: the database (reachable and migrated) and the queue backend. */
export const healthResponse = z.object({
  success: z.boolean(),
  status: z.enum(['ok', 'degraded']),
  database: z.object(probe),
  queue: z.object({ ...probe, backend: z.enum(['redis', 'postgres']) }),
});
export type Health = z.infer<typeof healthResponse>;
