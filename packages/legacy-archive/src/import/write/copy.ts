import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { inTransaction } from '../../shared/postgres';
import { quoteIdent } from '../../shared/sql';
import type { BatchWriter } from '../batches';
import { CHECKPOINT_UPSERT, checkpointParams, QUARANTINE_INSERT } from '../bookkeeping';

/** COPY FROM STDIN over the shared pool. */
export function copyWriter(pool: pg.Pool): BatchWriter {
  return {
    wantsRows: false,
    async write(batch, previous) {
      await inTransaction(pool, async (client) => {
        if (batch.copyText.length > 0) {
          const columns = batch.plan.columns.map((column) => quoteIdent(column.column)).join(', ');
          const stream = client.query(
            copyFrom(`COPY ${quoteIdent(batch.plan.target.table)} (${columns}) FROM STDIN`),
          );
          await new Promise<void>((resolve, reject) => {
            stream.on('finish', resolve);
            stream.on('error', reject);
            stream.end(batch.copyText);
          });
        }
        if (batch.quarantine.length > 0)
          await client.query(QUARANTINE_INSERT, [JSON.stringify(batch.quarantine)]);
        await previous;
        await client.query(CHECKPOINT_UPSERT, checkpointParams(batch.checkpoint));
      });
    },
  };
}
