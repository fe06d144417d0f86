import { z } from 'zod';

/**
 * Request primitives of the legacy HTTP contract, shared by every feature's request schemas (api.md §1.2, §9 #18).
 */

export const MAX_INT4 = 2_147_483_647;

/** A path id like Flask's `<int:…>`: non-negative decimal digits (within PostgreSQL's INTEGER). */
export const idParam = z
  .string()
  .regex(/^\d+$/, 'expected a non-negative integer')
  .transform(Number)
  .refine((id) => id <= MAX_INT4, 'id out of range');

/** A strict integer query value (`?limit=10`); `-1` etc. allowed where the contract passes negatives through. */
export const queryInt = z
  .string()
  .regex(/^-?\d+$/, 'expected an integer')
  .transform(Number)
  .refine((n) => Math.abs(n) <= Number.MAX_SAFE_INTEGER, 'integer out of range');

/** Incoming flags, parsed strictly (§9 #18): true/false or 0/1. */
export const legacyBoolean = z
  .union([z.boolean(), z.literal(0), z.literal(1)], { error: 'expected true, false, 0 or 1' })
  .transform((value) => value === true || value === 1);

export const finiteNumber = z.number().refine(Number.isFinite, 'expected a finite number');
