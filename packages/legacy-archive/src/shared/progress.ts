import { rowRate, type ProgressEvent } from './report';

const BAR_WIDTH = 30;
const LINE_INTERVAL_MS = 2000;
/** A bar per table on a terminal; plain lines otherwise (a table's last one always, others at most every 2 s). */
export function progressPrinter(
  out: { isTTY?: boolean; write(text: string): unknown } = process.stderr,
): (event: ProgressEvent) => void {
  const tty = out.isTTY;
  let lastLine = 0;
  return (event) => {
    const rate = rowRate(event.read, event.seconds);
    const eta = rate ? Math.max(0, (event.total - event.read) / rate) : 0;
    const speed = rate === null ? '' : `, ${rate} rows/s`;
    const left = event.done ? ' (done)' : rate ? `, ETA ${eta.toFixed(0)}s` : '';
    const label = `${event.phase} ${event.table}`;
    if (tty) {
      const filled =
        event.total > 0 ? Math.min(BAR_WIDTH, Math.round((event.read / event.total) * BAR_WIDTH)) : BAR_WIDTH;
      out.write(
        `\r\x1b[K${label.padEnd(34)} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${event.read}/${event.total}, ${event.quarantined} quarantined${speed}${left}${event.done ? '\n' : ''}`,
      );
      return;
    }
    const now = Date.now();
    if (event.done || now - lastLine >= LINE_INTERVAL_MS) {
      lastLine = now;
      out.write(
        `${label}: ${event.read}/${event.total} read, ${event.written} written, ${event.quarantined} quarantined${speed}${left}\n`,
      );
    }
  };
}
