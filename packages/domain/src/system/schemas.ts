import { z } from 'zod';

const probe = { ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() };

/**
 * `GET /api/health`: the database (reachable and migrated) and the queue backend decide `success`/`status`; the
 * workers (live heartbeats) are reported beside them without changing it, since the API serves without a worker
 * (only the routes that wait on a job answer 503 then).
 */
export const healthResponse = z.object({
  success: z.boolean(),
  status: z.enum(['ok', 'degraded']),
  database: z.object(probe),
  queue: z.object({ ...probe, backend: z.enum(['redis', 'postgres']) }),
  workers: z.object({
    ok: z.boolean(),
    live: z.number().int(),
    queues: z.array(z.string()),
    error: z.string().optional(),
  }),
});
export type Health = z.infer<typeof healthResponse>;
