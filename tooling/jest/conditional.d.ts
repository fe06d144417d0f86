/** A test registered only when its condition holds (`it`'s signature). */
export type ConditionalTest = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;
/** A block registered only when its condition holds (`describe`'s signature). */
export type ConditionalDescribe = (name: string, fn: jest.EmptyFunction) => void;

/**
 * `it` when `condition` holds. Otherwise the test is skipped with `reason` in its title, or, under `CI=true`, a test
 * that fails with `reason` is registered in its place. E.g. `itIf(hasPython(), 'python3 is missing')('…', () => …)`.
 */
export function itIf(condition: boolean, reason: string): ConditionalTest;

/** `describe` when `condition` holds; otherwise as {@link itIf}, for the whole block (one failing test under CI). */
export function describeIf(condition: boolean, reason: string): ConditionalDescribe;
