import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small local stand-in for S3 and SQS that speaks the wire protocols the AWS SDK v3 uses: S3 REST PutObject
 * (path-style `PUT /<bucket>/<key>`) and SQS's JSON protocol (`POST /` with `x-amz-target: AmazonSQS.<Action>`).
 * Both share one port, like a LocalStack endpoint (AWS_ENDPOINT_URL).
 */
export interface FakeAws {
  url: string;
  objects: Map<string, Buffer>;
  messages: Map<string, string[]>;
  /** Approximate counts answered by GetQueueAttributes, per queue URL. */
  attributes: Map<string, Record<string, string>>;
  /** When set, every call answers this AWS error. */
  failWith?: { status: number; code: string; message: string };
  close(): Promise<void>;
}

/** Decodes `Content-Encoding: aws-chunked` bodies (streamed uploads with trailing checksums). */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(offset, lineEnd).toString().split(';')[0]!, 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export async function startFakeAws(): Promise<FakeAws> {
  const fake: FakeAws = {
    url: '',
    objects: new Map(),
    messages: new Map(),
    attributes: new Map(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Buffer = Buffer.concat(chunks);
      const target = req.headers['x-amz-target'];
      if (fake.failWith) {
        const { status, code, message } = fake.failWith;
        if (typeof target === 'string') {
          res.writeHead(status, {
            'content-type': 'application/x-amz-json-1.0',
            'x-amzn-query-error': `${code};Sender`,
          });
          res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message }));
        } else {
          res.writeHead(status, { 'content-type': 'application/xml' });
          res.end(
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
          );
        }
        return;
      }
      if (typeof target === 'string' && req.method === 'POST') {
        const input = JSON.parse(body.toString() || '{}') as Record<string, unknown>;
        const queueUrl = String(input.QueueUrl);
        res.setHeader('content-type', 'application/x-amz-json-1.0');
        if (target === 'AmazonSQS.SendMessage') {
          const message = String(input.MessageBody);
          fake.messages.set(queueUrl, [...(fake.messages.get(queueUrl) ?? []), message]);
          res.end(
            JSON.stringify({
              MessageId: `msg-${fake.messages.get(queueUrl)!.length}`,
              MD5OfMessageBody: createHash('md5').update(message).digest('hex'),
            }),
          );
          return;
        }
        if (target === 'AmazonSQS.GetQueueAttributes') {
          res.end(JSON.stringify({ Attributes: fake.attributes.get(queueUrl) ?? {} }));
          return;
        }
        res.writeHead(400);
        res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InvalidAction', message: String(target) }));
        return;
      }
      if (req.method === 'PUT') {
        if (String(req.headers['content-encoding'] ?? '').includes('aws-chunked'))
          body = decodeAwsChunked(body);
        const key = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
        fake.objects.set(key, body);
        res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
        res.end();
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
