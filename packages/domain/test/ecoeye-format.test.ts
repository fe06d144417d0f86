import { pythonNaiveIsoformat } from '../src';

describe("the alert sync window as Python's naive isoformat() (api.md §1.6, route 65)", () => {
  it('has no zone, and microseconds only when there are any', () => {
    expect(pythonNaiveIsoformat(new Date('2000-12-31T00:00:00Z'))).toBe('2000-12-31T00:00:00');
    expect(pythonNaiveIsoformat(new Date('2000-12-31T00:00:00.25Z'))).toBe('2000-12-31T00:00:00.250000');
    expect(pythonNaiveIsoformat(new Date('2026-01-20T01:50:58.123+02:00'))).toBe(
      '2026-01-19T23:50:58.123000',
    );
  });
});
