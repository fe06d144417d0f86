import { ConversionError } from '../src';
import {
  convertBigInt,
  convertBoolean,
  convertDateTime,
  convertFloat,
  convertInt,
  convertJson,
  convertString,
  convertValue,
  fromEpoch,
} from '../src/import/convert/values';

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

  it('calendar arithmetic agrees with Date across years 1 to 9999, leap days, zones and negative epochs', () => {
    const reference = (epochMs: number, micros: number) => {
      const date = new Date(epochMs);
      const two = (n: number) => String(n).padStart(2, '0');
      return (
        `${String(date.getUTCFullYear()).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ` +
        `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}` +
        (micros === 0 ? '' : `.${String(micros).padStart(6, '0').replace(/0+$/, '')}`)
      );
    };
    let seed = 42;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const first = Date.UTC(1, 0, 1) / 1000 + 86_400;
    const last = 99_999_999_999; // epoch seconds: above, a number counts as milliseconds
    for (let i = 0; i < 5_000; i++) {
      const seconds = Math.floor(first + random() * (last - first));
      // a double holds microseconds exactly only up to about 2^53 / 10^6 seconds
      const micros = i % 3 === 0 || Math.abs(seconds) > 4e9 ? 0 : Math.floor(random() * 1_000_000);
      expect(fromEpoch(seconds + micros / 1e6)).toBe(reference(seconds * 1000, micros));
      const text = reference(seconds * 1000, 0).replace(' ', 'T');
      const offset = Math.floor(random() * 28) - 14;
      const zone = `${offset < 0 ? '-' : '+'}${String(Math.abs(offset)).padStart(2, '0')}:30`;
      const shifted = seconds * 1000 - (offset * 60 + (offset < 0 ? -30 : 30)) * 60_000;
      if (new Date(shifted).getUTCFullYear() >= 1)
        expect(convertDateTime(text + zone)).toBe(reference(shifted, 0));
    }
    expect(convertDateTime('2024-02-29T23:59:59.500000')).toBe('2024-02-29 23:59:59.5');
    expect(convertDateTime('2000-02-29 12:00:00+13:00')).toBe('2000-02-28 23:00:00');
    expect(() => convertDateTime('1900-02-29T00:00:00')).toThrow(/no such date/);
    expect(() => convertDateTime('2023-04-31T00:00:00Z')).toThrow(/no such date/);
    expect(() => convertDateTime('0001-01-01T00:30:00+01:00')).toThrow(/out of range/);
    expect(fromEpoch(-1.5)).toBe('1969-12-31 23:59:58.5');
  });

  it('numeric timestamps are epochs only from 1990 to 2100; integers are ASCII digits only', () => {
    for (const raw of [
      20250101,
      20250101n,
      '20250101',
      -1.5,
      0,
      4102444800,
      4102444800000n,
      631152000000 - 1,
    ])
      expect(() => convertDateTime(raw)).toThrow(/between 1990 and 2100/);
    expect(convertDateTime(631152000)).toBe('1990-01-01 00:00:00');
    expect(convertDateTime(4102444799999n)).toBe('2099-12-31 23:59:59.999');
    for (const raw of ['\u00a03', '3\u00a0', '\u20073', '\u0663', '\uff13'])
      expect(() => convertInt(raw)).toThrow(ConversionError);
    expect(() => convertFloat('\u00a01.5')).toThrow(ConversionError);
    expect(() => convertBoolean('\u00a01')).toThrow(ConversionError);
    expect(() => convertDateTime('\u00a02026-01-20 01:50:58')).toThrow(ConversionError);
    expect(convertInt(' 3\t')).toBe(3);
  });

  it('values PostgreSQL would refuse are refused before writing, never a RangeError', () => {
    for (const [text, why] of [
      ['{"a": "\\ud800"}', /lone surrogate/],
      ['["\\udc00"]', /lone surrogate/],
      ['["\\ud800\\u0041"]', /lone surrogate/],
      ['{"a": "\\u0000"}', /u0000/],
      [`${'['.repeat(5000)}${']'.repeat(5000)}`, /nested deeper than 1000/],
      ['[1e131072]', /number out of range/],
      [`[${'9'.repeat(2000)}]`, /number out of range/],
    ] as const)
      expect(() => convertJson(text)).toThrow(why);
    // an escaped backslash before "u0000" is text, and a surrogate pair is one character
    expect(convertJson('["\\\\u0000", "\\ud83d\\ude00"]')).toBe('["\\\\u0000", "\\ud83d\\ude00"]');
    expect(convertJson(`${'['.repeat(1000)}${']'.repeat(1000)}`)).toHaveLength(2000);
    expect(convertFloat(1.7976931348623157e308)).toBe(1.7976931348623157e308);
    expect(convertFloat('1.7976931348623157e308')).toBe(1.7976931348623157e308);
    expect(() => convertFloat('1.8e308')).toThrow(/out of double precision range/);
    expect(() => convertFloat('1e-400')).toThrow(/underflows/);
    expect(convertFloat('0e-400')).toBe(0);
    expect(() => convertBigInt('9223372036854775808')).toThrow(/64-bit/);
    expect(() => convertInt(-(2 ** 31) - 1)).toThrow(/32-bit/);
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
