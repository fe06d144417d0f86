import type { Prisma } from '@groundtruth/db';
import type { DomainDeps } from '../shared/deps';
import { NotFoundError } from '../shared/errors';
import { writeVideoChild } from './locks';
import { createBehavior, deleteVideo, getVideo, listVideos, videoExists } from './queries';
import type { ListVideosOptions, NewBehavior } from './schemas';
import { addVideoTag, listTags, removeVideoTag } from './tag-queries';

/** Videos, their behaviors and legacy video tags (api.md §3.1, routes 1–3 and 8–11). */
export class VideoService {
  constructor(private readonly deps: Pick<DomainDeps, 'config' | 'db'>) {}

  list(options: ListVideosOptions) {
    return listVideos(this.deps.db, options);
  }

  async get(videoId: number) {
    const found = await getVideo(this.deps.db, videoId);
    if (!found) throw new NotFoundError('Video not found');
    return found;
  }

  /** Deletes the row, its annotations and annotation tags, then its file and thumbnail. */
  async delete(videoId: number): Promise<void> {
    const { config, db } = this.deps;
    const deleted = await deleteVideo(db, videoId, {
      downloadsDir: config.DOWNLOADS_DIR,
      thumbnailsDir: config.THUMBNAILS_DIR,
    });
    if (!deleted) throw new NotFoundError('Video not found');
  }

  /** Links a legacy tag (created on demand); false when it was linked already. */
  addTag(videoId: number, name: string): Promise<boolean> {
    return this.writeChild(videoId, (tx) => addVideoTag(tx, videoId, name));
  }

  /** Unlinks a legacy tag by name; false when it was not linked. */
  removeTag(videoId: number, name: string): Promise<boolean> {
    return removeVideoTag(this.deps.db, videoId, name);
  }

  listTags() {
    return listTags(this.deps.db);
  }

  addBehavior(videoId: number, behavior: NewBehavior): Promise<number> {
    return this.writeChild(videoId, (tx) => createBehavior(tx, videoId, behavior));
  }

  /**
   * Runs `write` in a transaction holding the video's child-write lock, so a delete racing it either waits or makes
   * it answer 404 (never a foreign-key error).
   */
  writeChild<T>(videoId: number, write: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return writeVideoChild(this.deps.db, videoId, write);
  }

  /** Throws NotFoundError unless the video exists (writes on an unknown video answer 404, §9). */
  async requireVideo(videoId: number): Promise<void> {
    if (!(await videoExists(this.deps.db, videoId))) throw new NotFoundError('Video not found');
  }
}
