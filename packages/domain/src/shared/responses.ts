import { z } from 'zod';

/** A database flag as the legacy API sends it (`sqlFlag`, `legacyFlag`): 0, 1 or null. */
export const legacyFlagSchema = z.union([z.literal(0), z.literal(1)]).nullable();

/** `{ success: true }` and nothing else. */
export const okResponse = z.object({ success: z.literal(true) });

/**
 * The legacy soft outcome (§9 #17): 200 with `success` true, or false with an explanation (e.g. PUT of an unknown
 * time-range tag).
 */
export const outcomeResponse = z.object({ success: z.boolean(), error: z.string().optional() });
export type Outcome = z.infer<typeof outcomeResponse>;

export function outcome(success: boolean, failure: string): Outcome {
  return success ? { success } : { success, error: failure };
}
