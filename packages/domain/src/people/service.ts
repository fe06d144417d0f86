import type { DomainDeps } from '../shared/deps';
import { NotFoundError } from '../shared/errors';
import { withPgTransaction, type Queryable } from '../shared/sql';
import { personNameTagValue } from './person-name';
import {
  deletePersonNames,
  ensurePersonNameGroup,
  listPersonDetections,
  lockKeyframes,
  recentPersonNames,
  recentTagValues,
  writePersonName,
} from './queries';
import type { PersonDetectionFilters } from './schemas';

/** Person detections and the person manager's naming (api.md §4.2). */
export class PeopleService {
  constructor(private readonly deps: Pick<DomainDeps, 'db'>) {}

  detections(filters: PersonDetectionFilters) {
    return listPersonDetections(this.deps.db, filters);
  }

  recentNames(limit: number) {
    return recentPersonNames(this.deps.db, limit);
  }

  recentTagValues(tagName: string, limit: number) {
    return recentTagValues(this.deps.db, tagName, limit);
  }

  /**
   * Names the person of keyframe annotations, in one transaction; the `person_name` group is created on demand.
   * Returns the number of ids in the request, like the legacy route.
   */
  async assignName(detectionIds: number[], personName: string): Promise<number> {
    const value = personNameTagValue(personName);
    await this.writeKeyframes(detectionIds, async (client, ids) => {
      await ensurePersonNameGroup(client);
      await writePersonName(client, ids, value);
    });
    return detectionIds.length;
  }

  /** Removes the person names of keyframe annotations → the rows deleted. */
  unassignName(detectionIds: number[]): Promise<number> {
    return this.writeKeyframes(detectionIds, deletePersonNames);
  }

  /**
   * Runs `write` in one transaction holding the row locks of the annotations (each id once). An id that is not a
   * keyframe annotation: NotFoundError, and nothing is written.
   */
  private writeKeyframes<T>(
    detectionIds: number[],
    write: (client: Queryable, ids: number[]) => Promise<T>,
  ): Promise<T> {
    const ids = [...new Set(detectionIds)];
    return withPgTransaction(this.deps.db, async (client) => {
      const missing = await lockKeyframes(client, ids);
      if (missing.length) throw new NotFoundError(`Keyframe annotation not found: ${missing.join(', ')}`);
      return write(client, ids);
    });
  }
}
