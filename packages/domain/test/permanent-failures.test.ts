import {
  ConflictError,
  InvalidInputError,
  isPermanentJobFailure,
  NotConfiguredError,
  NotFoundError,
  UnavailableError,
  UpstreamError,
} from '../src';

describe('which processor failures fail a job at once (the worker runner’s isPermanent)', () => {
  it('input errors, missing rows and missing settings: permanent', () => {
    expect(isPermanentJobFailure(new InvalidInputError('bad'))).toBe(true);
    expect(isPermanentJobFailure(new NotFoundError('gone'))).toBe(true);
    expect(isPermanentJobFailure(new NotConfiguredError('no credentials'))).toBe(true);
  });

  it('what a retry can fix: retried', () => {
    expect(isPermanentJobFailure(new UnavailableError('down'))).toBe(false);
    expect(isPermanentJobFailure(new UpstreamError('relay 500'))).toBe(false);
    expect(isPermanentJobFailure(new ConflictError('raced'))).toBe(false);
    expect(isPermanentJobFailure(new Error('ECONNRESET'))).toBe(false);
  });
});
