import type { ProgressEvent } from './report';

const BAR_WIDTH = 30;
const LINE_INTERVAL_MS = 2000;

/** A bar per table on a terminal; plain lines otherwise (a table's last one always, others at most every 2 s). */
export function progressPrinter(
  out: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
): (event: ProgressEvent) => void {
  const tty = out.isTTY;
  let lastLine = 0;
  return (event) => {
    const rate = event.seconds > 0 ? Math.round(event.read / event.seconds) : 0;
    const eta = rate > 0 ? Math.max(0, (event.total - event.read) / rate) : 0;
    const label = `${event.phase} ${event.table}`;
    if (tty) {
      const filled =
        event.total > 0 ? Math.min(BAR_WIDTH, Math.round((event.read / event.total) * BAR_WIDTH)) : BAR_WIDTH;
      out.write(
        `\r\x1b[K${label.padEnd(34)} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${event.read}/${event.total} ${rate} rows/s ETA ${eta.toFixed(0)}s${event.done ? '\n' : ''}`,
      );
      return;
    }
    const now = Date.now();
    if (event.done || now - lastLine >= LINE_INTERVAL_MS) {
      lastLine = now;
      out.write(
        `${label}: ${event.read}/${event.total} read, ${event.written} written, ${event.quarantined} quarantined, ${rate} rows/s${event.done ? ' (done)' : `, ETA ${eta.toFixed(0)}s`}\n`,
      );
    }
  };
}
