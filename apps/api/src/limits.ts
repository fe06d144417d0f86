import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import type { Config } from '@groundtruth/config';

/**
 * Time bounds of a request. Headers must arrive within 20 s and an idle socket closes after API_IDLE_TIMEOUT_MS,
 * but there is no overall deadline (Node's default of 5 minutes would cut a 2 GiB upload on a slow link): instead a
 * body other than an upload must arrive within API_BODY_TIMEOUT_MS (`bodyDeadline`).
 */
export function applyServerTimeouts(server: Server, config: Config): void {
  server.headersTimeout = 20_000;
  server.requestTimeout = 0;
  server.setTimeout(config.API_IDLE_TIMEOUT_MS);
  server.on('clientError', answerClientError);
}

/**
 * What Node's HTTP parser refuses before the app sees a request (headers over 16 KiB, a malformed request line)
 * is answered in the envelope too, instead of Node's bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({
    success: false,
    error: `${STATUS_CODES[status]}: ${error.code ?? 'bad request'}`,
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A body that does not arrive in time answers 408 and the connection closes (a slow sender holds no parser). */
export function bodyDeadline(ms: number): RequestHandler {
  return (req, res, next) => {
    const length = req.headers['content-length'];
    const hasBody =
      (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.is('multipart/form-data')) return next();
    const timer = setTimeout(() => {
      // `complete`: the whole message arrived (read or not); a slow handler after that is not the client's fault
      if (req.complete || res.headersSent) return;
      res
        .status(408)
        .set('Connection', 'close')
        .json({ success: false, error: `Request Timeout: the body did not arrive within ${ms} ms` });
    }, ms);
    const clear = () => clearTimeout(timer);
    req.once('end', clear);
    res.once('close', clear);
    next();
  };
}
