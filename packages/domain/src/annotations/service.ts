import type { Prisma } from '@groundtruth/db';
import type { DomainDeps } from '../shared/deps';
import { NotFoundError } from '../shared/errors';
import { outcome, type Outcome } from '../shared/responses';
import { writeVideoChild } from '../videos/locks';
import {
  createKeyframe,
  deleteKeyframe,
  distinctKeyframeValues,
  getKeyframe,
  listKeyframes,
  updateKeyframe,
} from './keyframe-queries';
import { deleteAnnotationTags, getAnnotationTags, lockAnnotation, writeAnnotationTags } from './queries';
import type {
  AnnotationType,
  KeyframeChanges,
  KeyframeLabelColumn,
  NewKeyframe,
  NewTimeRangeTag,
  TimeRangeTagChanges,
} from './schemas';
import {
  createTimeRangeTag,
  deleteTimeRangeTag,
  getTimeRangeTag,
  listTimeRangeTags,
  updateTimeRangeTag,
} from './time-range-queries';

/**
 * Time-range tags, keyframe annotations and their structured annotation tags (api.md §3.3, §3.4, §3.8). Creating
 * on an unknown video answers 404; PUT/DELETE of an unknown tag or annotation keep the legacy soft failure (200,
 * success false, §9 #17) with an explanation.
 */
export class AnnotationService {
  constructor(private readonly deps: Pick<DomainDeps, 'db'>) {}

  // ---- time-range tags

  listTimeRangeTags(videoId: number) {
    return listTimeRangeTags(this.deps.db, videoId);
  }

  async getTimeRangeTag(tagId: number) {
    const tag = await getTimeRangeTag(this.deps.db, tagId);
    if (!tag) throw new NotFoundError('Tag not found');
    return tag;
  }

  createTimeRangeTag(videoId: number, tag: NewTimeRangeTag): Promise<number> {
    return writeVideoChild(this.deps.db, videoId, (tx) => createTimeRangeTag(tx, videoId, tag));
  }

  /** Writes the given non-null fields. */
  async updateTimeRangeTag(tagId: number, changes: TimeRangeTagChanges): Promise<Outcome> {
    const updated = await updateTimeRangeTag(this.deps.db, tagId, changes);
    return outcome(updated, 'Tag not found or nothing to update');
  }

  /** Deletes the tag and its annotation tags together. */
  async deleteTimeRangeTag(tagId: number): Promise<Outcome> {
    return outcome(await this.deleteWithTags(tagId, 'time_range', deleteTimeRangeTag), 'Tag not found');
  }

  // ---- keyframe annotations

  listKeyframes(videoId: number) {
    return listKeyframes(this.deps.db, videoId);
  }

  async getKeyframe(annotationId: number) {
    const annotation = await getKeyframe(this.deps.db, annotationId);
    if (!annotation) throw new NotFoundError('Annotation not found');
    return annotation;
  }

  createKeyframe(videoId: number, keyframe: NewKeyframe): Promise<number> {
    return writeVideoChild(this.deps.db, videoId, (tx) => createKeyframe(tx, videoId, keyframe));
  }

  /** Writes the given non-null fields. */
  async updateKeyframe(annotationId: number, changes: KeyframeChanges): Promise<Outcome> {
    const updated = await updateKeyframe(this.deps.db, annotationId, changes);
    return outcome(updated, 'Annotation not found or nothing to update');
  }

  /** Deletes the annotation and its annotation tags (person names included) together. */
  async deleteKeyframe(annotationId: number): Promise<Outcome> {
    return outcome(
      await this.deleteWithTags(annotationId, 'keyframe', deleteKeyframe),
      'Annotation not found',
    );
  }

  /** The distinct activity or moment tags of all keyframe annotations. */
  keyframeLabels(column: KeyframeLabelColumn): Promise<string[]> {
    return distinctKeyframeValues(this.deps.db, column);
  }

  // ---- annotation tags

  getTags(annotationId: number, annotationType: string) {
    return getAnnotationTags(this.deps.db, annotationId, annotationType);
  }

  /**
   * Replaces the annotation's tags in one transaction. The annotation row is locked first, so concurrent replaces
   * of one annotation run one after the other; an unknown annotation changes nothing.
   */
  async replaceTags(
    annotationId: number,
    annotationType: AnnotationType,
    tags: Record<string, unknown>,
  ): Promise<void> {
    const replaced = await this.deps.db.prisma.$transaction(async (tx) => {
      if (!(await lockAnnotation(tx, annotationId, annotationType))) return false;
      await writeAnnotationTags(tx, annotationId, annotationType, tags);
      return true;
    });
    if (!replaced) throw new NotFoundError('Annotation not found');
  }

  /**
   * The annotation row and its annotation tags (no FK links them) in one transaction, in the lock order (its video,
   * the row, then its tags); false when unknown.
   */
  private deleteWithTags(
    id: number,
    type: AnnotationType,
    deleteRow: (tx: Prisma.TransactionClient, id: number) => Promise<boolean>,
  ): Promise<boolean> {
    return this.deps.db.prisma.$transaction(async (tx) => {
      if (!(await lockAnnotation(tx, id, type))) return false;
      await deleteAnnotationTags(tx, id, type);
      return deleteRow(tx, id);
    });
  }
}
