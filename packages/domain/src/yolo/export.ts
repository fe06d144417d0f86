import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { PermanentJobError, type JobContext } from '@groundtruth/jobs';
import type { MediaTools } from '@groundtruth/media';
import type { DomainDeps } from '../shared/deps';
import { safeFolderName, seededShuffle, validationCount, writeFolderAtomically } from '../shared/files';
import { withPgTransaction } from '../shared/sql';
import { yoloExportData, type YoloExportInput, type YoloExportResult } from './jobs';
import { getYoloConfig, insertYoloExportLog, markYoloConfigExported, yoloSelection } from './queries';
import type { YoloAnnotation } from './schemas';

interface VideoProbe {
  fps: number;
  width: number;
  height: number;
}

/** Frame size and rate of a video; undefined for a missing or unreadable one (skipped, as the legacy exporter did). */
async function probeFrames(media: MediaTools, file: string): Promise<VideoProbe | undefined> {
  const probe = await media.probe(file);
  if (!probe.width || !probe.height) return undefined;
  return { fps: probe.fps ?? 30, width: probe.width, height: probe.height };
}

const fixed6 = (value: number) => Math.min(1, Math.max(0, value)).toFixed(6);

/** One YOLO label line: class id, then centre x/y and width/height normalised by the frame size. */
export function yoloLabelLine(classId: number, box: YoloAnnotation, width: number, height: number): string {
  const cx = (box.bbox_x + box.bbox_width / 2) / width;
  const cy = (box.bbox_y + box.bbox_height / 2) / height;
  return `${classId} ${fixed6(cx)} ${fixed6(cy)} ${fixed6(box.bbox_width / width)} ${fixed6(box.bbox_height / height)}`;
}

interface Frame {
  stem: string;
  videoId: number;
  frameNumber: number;
  lines: string[];
  annotations: number;
}

/**
 * Exports a YOLO dataset (api.md route 41, jobs.md): frames at keyframe timestamps, one label file per frame with
 * every box of that frame (§9 #29 fixed), negatives as empty label files when the config includes them, a seeded
 * train/val split, data.yaml; then a yolo_export_logs row and the config's last export date/count.
 */
export async function exportYoloDataset(
  deps: Pick<DomainDeps, 'config' | 'db' | 'media'>,
  input: YoloExportInput,
  context?: Pick<JobContext, 'progress' | 'signal'>,
): Promise<YoloExportResult> {
  const options = yoloExportData.parse(input);
  const config = await getYoloConfig(deps.db, options.config_id);
  if (!config) throw new PermanentJobError(`Export configuration ${options.config_id} not found`);
  const { videoIds, annotations } = await yoloSelection(deps.db, config);
  const exportsDir = path.resolve(deps.config.EXPORTS_DIR);
  const downloadsDir = path.resolve(deps.config.DOWNLOADS_DIR);
  const { media } = deps;
  const exportPath = path.join(
    exportsDir,
    safeFolderName(options.output_name ?? `${config.config_name}_${config.id}`),
  );
  await mkdir(exportsDir, { recursive: true });

  const byVideo = new Map<number, YoloAnnotation[]>();
  for (const annotation of annotations) {
    const list = byVideo.get(annotation.video_id) ?? [];
    list.push(annotation);
    byVideo.set(annotation.video_id, list);
  }

  let frameCount = 0;
  let annotationCount = 0;
  let trainCount = 0;
  let valCount = 0;
  await writeFolderAtomically(exportPath, async (folder) => {
    const frames = new Map<string, Frame>();
    const probes = new Map<number, VideoProbe>();
    for (const [videoId, list] of byVideo) {
      const first = list[0]!;
      let probe: VideoProbe | undefined;
      if (options.extract_frames) {
        probe = await probeFrames(media, path.join(downloadsDir, first.filename));
      } else if (first.width && first.height) {
        probe = { fps: 30, width: first.width, height: first.height };
      }
      if (!probe) continue; // missing or unreadable video: skipped
      probes.set(videoId, probe);
      for (const annotation of list) {
        const frameNumber = Math.floor(annotation.timestamp * probe.fps);
        const stem = `video_${videoId}_frame_${frameNumber}`;
        const frame = frames.get(stem) ?? { stem, videoId, frameNumber, lines: [], annotations: 0 };
        frame.annotations++;
        const classId = config.class_mapping[annotation.activity_tag]!;
        // Negative examples are background images: the frame with an empty label file.
        if (!annotation.is_negative) {
          frame.lines.push(yoloLabelLine(classId, annotation, probe.width, probe.height));
        }
        frames.set(stem, frame);
      }
    }

    const shuffled = seededShuffle([...frames.keys()].sort(), options.seed);
    const valStems = new Set(shuffled.slice(0, validationCount(shuffled.length, options.val_split)));
    for (const split of ['train', 'val']) {
      await mkdir(path.join(folder, split, 'images'), { recursive: true });
      await mkdir(path.join(folder, split, 'labels'), { recursive: true });
    }
    const images = new Map<string, string>();
    if (options.extract_frames) {
      const framesDir = path.join(folder, '.frames');
      let videosDone = 0;
      for (const videoId of probes.keys()) {
        if (context?.signal.aborted) throw new Error('export aborted');
        const stems = [...frames.values()].filter((frame) => frame.videoId === videoId);
        const video = path.join(downloadsDir, byVideo.get(videoId)![0]!.filename);
        const extracted = await media.extractFrames(
          video,
          stems.map((frame) => frame.frameNumber),
          path.join(framesDir, String(videoId)),
        );
        for (const frame of stems) {
          const image = extracted.get(frame.frameNumber);
          if (image) images.set(frame.stem, image);
        }
        if (context) await context.progress(Math.max(1, Math.round((++videosDone / probes.size) * 90)));
      }
    }
    // Label files are tiny and many: synchronous writes cost a fraction of async ones (no thread-pool round trip
    // per open/write/close); yielding between chunks keeps lock renewal and progress going.
    const chunk = 1_000;
    for (let start = 0; start < shuffled.length; start += chunk) {
      if (context?.signal.aborted) throw new Error('export aborted');
      for (const stem of shuffled.slice(start, start + chunk)) {
        const frame = frames.get(stem)!;
        const split = valStems.has(stem) ? 'val' : 'train';
        if (options.extract_frames) {
          const image = images.get(stem);
          if (!image) continue; // frame not in the video: skipped
          renameSync(image, path.join(folder, split, 'images', `${stem}.jpg`));
        }
        writeFileSync(
          path.join(folder, split, 'labels', `${stem}.txt`),
          frame.lines.length ? `${frame.lines.join('\n')}\n` : '',
        );
        frameCount++;
        annotationCount += frame.annotations;
        if (split === 'val') valCount++;
        else trainCount++;
      }
      await new Promise((resolve) => setImmediate(resolve));
      if (context && !options.extract_frames) {
        await context.progress(
          Math.round((Math.min(start + chunk, shuffled.length) / shuffled.length) * 100),
        );
      }
    }
    await rm(path.join(folder, '.frames'), { recursive: true, force: true });
    const names = Object.entries(config.class_mapping)
      .sort((a, b) => a[1] - b[1])
      .reduce<Record<number, string>>((all, [name, id]) => ({ ...all, [id]: name }), {});
    await writeFile(
      path.join(folder, 'data.yaml'),
      stringify({
        path: exportPath,
        train: 'train/images',
        val: 'val/images',
        nc: Object.keys(names).length,
        names,
      }),
    );
  });

  await withPgTransaction(deps.db, async (client) => {
    await insertYoloExportLog(client, {
      configId: config.id,
      exportPath,
      videoCount: videoIds.length,
      annotationCount,
    });
    await markYoloConfigExported(client, config.id, annotationCount);
  });
  return {
    success: true,
    export_path: exportPath,
    video_count: videoIds.length,
    frame_count: frameCount,
    annotation_count: annotationCount,
    train_count: trainCount,
    val_count: valCount,
    class_mapping: config.class_mapping,
  };
}
