import {
  convertBigInt,
  convertBoolean,
  convertDateTime,
  convertFloat,
  convertInt,
  convertJson,
  convertString,
  convertValue,
  ConversionError,
} from '../src';

describe('legacy value conversions', () => {
  it('flags: 0/1, their text forms, true/false, NULL', () => {
    expect([0, 1, 0n, 1n, '0', '1', 'true', 'false', 'TRUE', ' False '].map(convertBoolean)).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
      true,
      false,
      true,
      false,
    ]);
    expect(convertValue('Boolean', null)).toBeNull();
    expect(() => convertBoolean(2)).toThrow(ConversionError);
    expect(() => convertBoolean('yes')).toThrow(/flag/);
  });

  it('integers: stored as text, integral REAL, never a silently rounded fraction', () => {
    expect(convertInt('1920')).toBe(1920);
    expect(convertInt(' 42 ')).toBe(42);
    expect(convertInt(10)).toBe(10);
    expect(convertInt(10n)).toBe(10);
    expect(convertInt('10.0')).toBe(10);
    expect(() => convertInt(10.5)).toThrow(/has a fraction/);
    expect(() => convertInt('10.5')).toThrow(ConversionError);
    expect(() => convertInt(2n ** 31n)).toThrow(/32-bit/);
    expect(() => convertInt('abc')).toThrow(ConversionError);
  });

  it('sizes over 2^31 as BIGINT, exactly', () => {
    expect(convertBigInt(2n ** 31n + 5n)).toBe(2147483653n);
    expect(convertBigInt('5368709120')).toBe(5368709120n);
    expect(convertBigInt(9007199254740993n)).toBe(9007199254740993n);
    expect(() => convertBigInt(2n ** 63n)).toThrow(/64-bit/);
  });

  it('REAL values and numeric text', () => {
    expect(convertFloat(104.647763)).toBe(104.647763);
    expect(convertFloat('0.5')).toBe(0.5);
    expect(convertFloat(3n)).toBe(3);
    expect(() => convertFloat('')).toThrow(ConversionError);
    expect(() => convertFloat('NaN')).toThrow(ConversionError);
  });

  it('timestamps in every legacy form become UTC wall-clock with microseconds', () => {
    expect(convertDateTime('2026-01-20 01:50:58')).toBe('2026-01-20 01:50:58');
    expect(convertDateTime('2026-01-20 01:50:58.123')).toBe('2026-01-20 01:50:58.123');
    expect(convertDateTime('2026-01-20 01:50:58.123456')).toBe('2026-01-20 01:50:58.123456');
    expect(convertDateTime('2026-01-20T01:50:58')).toBe('2026-01-20 01:50:58');
    expect(convertDateTime('2026-01-20T01:50:58Z')).toBe('2026-01-20 01:50:58');
    expect(convertDateTime('2026-01-20T03:50:58+02:00')).toBe('2026-01-20 01:50:58');
    expect(convertDateTime('2026-01-19T20:50:58.5-0500')).toBe('2026-01-20 01:50:58.5');
    expect(convertDateTime('2026-01-20')).toBe('2026-01-20 00:00:00');
    expect(convertDateTime(1768873858)).toBe('2026-01-20 01:50:58');
    expect(convertDateTime(1768873858n)).toBe('2026-01-20 01:50:58');
    expect(convertDateTime('1768873858')).toBe('2026-01-20 01:50:58');
    expect(convertDateTime(1768873858123n)).toBe('2026-01-20 01:50:58.123');
    expect(convertDateTime(1768873858.25)).toBe('2026-01-20 01:50:58.25');
    expect(() => convertDateTime('2026-02-30 00:00:00')).toThrow(/no such date/);
    expect(() => convertDateTime('yesterday')).toThrow(ConversionError);
    expect(() => convertDateTime('2026-01-20 01:50:58.1234567')).toThrow(/microsecond/);
  });

  it('JSON text is kept verbatim when it parses; broken JSON is refused', () => {
    const text = '{"b": 1, "a": [1, 2.50, "ü"], "big": 12345678901234567890}';
    expect(convertJson(text)).toBe(text);
    expect(convertJson(Buffer.from('null'))).toBe('null');
    expect(() => convertJson("{'python': 'repr'}")).toThrow(/does not parse/);
    expect(() => convertJson('{"a": "\\u0000"}')).toThrow(/u0000/);
  });

  it('text: unicode and odd file names pass byte for byte; invalid UTF-8 and NUL bytes are refused', () => {
    const odd = 'vidéo 😀 "q" back\\slash\ttab\nline.mp4';
    expect(convertString(Buffer.from(odd, 'utf8'))).toBe(odd);
    expect(convertString(1920n)).toBe('1920');
    expect(() => convertString(Buffer.from([0x63, 0x61, 0xff, 0x20]))).toThrow(/invalid UTF-8/);
    expect(() => convertString(Buffer.from([0x61, 0x00, 0x62]))).toThrow(/NUL/);
  });
});
