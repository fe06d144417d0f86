import { normalizeVideoUrl, parseRelayTimestamp, secureFilename, videoExtension } from '../src';

describe('ingest helpers', () => {
  it('normalises URLs for duplicate detection (both YouTube forms match, §9 #31)', () => {
    expect(normalizeVideoUrl('https://youtu.be/AbC?t=3')).toBe('https://www.youtube.com/watch?v=abc');
    expect(normalizeVideoUrl('www.youtube.com/watch?v=AbC&list=x#t=1')).toBe(
      'https://www.youtube.com/watch?v=abc',
    );
    expect(normalizeVideoUrl('https://Example.com/a?id=1&utm_source=x&fbclid=y#frag')).toBe(
      'https://example.com/a?id=1',
    );
  });

  it('makes Werkzeug-style safe file names and checks video types', () => {
    expect(secureFilename('../../etc/My Clip ä.mp4')).toBe('etc_My_Clip_a.mp4');
    expect(secureFilename('...')).toBe('');
    expect(videoExtension('a.MKV')).toBe('mkv');
    expect(videoExtension('a.txt')).toBeNull();
  });

  it('compares relay timestamps as instants, zone-less ones as UTC (§9 #9)', () => {
    expect(parseRelayTimestamp('2026-01-20T02:09:17Z')?.toISOString()).toBe('2026-01-20T02:09:17.000Z');
    expect(parseRelayTimestamp('2026-01-20 02:09:17')?.toISOString()).toBe('2026-01-20T02:09:17.000Z');
    expect(parseRelayTimestamp('2026-01-20T04:09:17+02:00')?.toISOString()).toBe('2026-01-20T02:09:17.000Z');
    expect(parseRelayTimestamp('yesterday')).toBeNull();
  });
});
