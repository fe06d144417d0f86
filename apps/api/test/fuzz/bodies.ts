/** Raw request bodies of the fuzz suite: JSON that is not the declared shape, and multipart, well formed and not. */

/** JSON nested `depth` deep, as text (built without recursion). */
export function deepJson(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

export interface RawBody {
  kind: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Bodies that are not a JSON object of the declared shape: each names its class. */
export const RAW_BODIES: RawBody[] = [
  { kind: 'deep-json', headers: JSON_HEADERS, body: Buffer.from(deepJson(5000)) },
  { kind: 'deep-json', headers: JSON_HEADERS, body: Buffer.from(`{"tags":${deepJson(300)}}`) },
  { kind: 'bad-json', headers: JSON_HEADERS, body: Buffer.from('{"a":') },
  { kind: 'bad-json', headers: JSON_HEADERS, body: Buffer.from('null') },
  { kind: 'bad-json', headers: JSON_HEADERS, body: Buffer.from('[1,2]') },
  { kind: 'bad-json', headers: JSON_HEADERS, body: Buffer.from('"text"') },
  { kind: 'bad-json', headers: JSON_HEADERS, body: Buffer.from([0xff, 0xfe, 0x7b, 0x7d]) },
  { kind: 'bad-json', headers: JSON_HEADERS, body: Buffer.from('{"a":"\\ud800"}') },
  { kind: 'wrong-content-type', headers: { 'content-type': 'text/plain' }, body: Buffer.from('{}') },
  {
    kind: 'wrong-content-type',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from('a=1&b=%00'),
  },
  {
    kind: 'wrong-content-type',
    headers: { 'content-type': 'application/json; charset=utf-7' },
    body: Buffer.from('{}'),
  },
  {
    kind: 'wrong-content-type',
    headers: { 'content-type': 'multipart/form-data' },
    body: Buffer.from('--x--'),
  },
  { kind: 'wrong-content-type', headers: {}, body: Buffer.from('{}') },
];

const BOUNDARY = 'fuzzboundary';
const part = (headers: string, content: string) => `--${BOUNDARY}\r\n${headers}\r\n\r\n${content}\r\n`;

/** Multipart bodies, well formed and not: for the upload route. */
export const MULTIPART_BODIES: RawBody[] = [
  {
    kind: 'multipart-no-boundary',
    headers: { 'content-type': 'multipart/form-data' },
    body: Buffer.from(part('Content-Disposition: form-data; name="title"', 'x')),
  },
  {
    kind: 'multipart-truncated',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nabc`,
    ),
  },
  {
    kind: 'multipart-truncated',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-da`),
  },
  {
    kind: 'multipart-nul-filename',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: Buffer.from(
      `${part('Content-Disposition: form-data; name="file"; filename="a\u0000.mp4"', 'abc')}--${BOUNDARY}--\r\n`,
    ),
  },
  {
    kind: 'multipart-nul-field',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: Buffer.from(
      `${part('Content-Disposition: form-data; name="title"', 'a\u0000b')}${part(
        'Content-Disposition: form-data; name="file"; filename="a.mp4"',
        'abc',
      )}--${BOUNDARY}--\r\n`,
    ),
  },
  {
    kind: 'multipart-bad-header',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: Buffer.from(`--${BOUNDARY}\r\nthis is not a header\r\n\r\nabc\r\n--${BOUNDARY}--\r\n`),
  },
  {
    kind: 'multipart-no-file',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: Buffer.from(`${part('Content-Disposition: form-data; name="title"', 'x')}--${BOUNDARY}--\r\n`),
  },
  {
    kind: 'multipart-two-files',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: Buffer.from(
      `${part('Content-Disposition: form-data; name="file"; filename="a.mp4"', 'a')}${part(
        'Content-Disposition: form-data; name="file"; filename="b.mp4"',
        'b',
      )}--${BOUNDARY}--\r\n`,
    ),
  },
];
