import { range, type Generation, type Row } from './generation';

/** Rows of the media and annotation tables of a synthetic legacy file. */

const ODD_NAMES = [
  'vidéo 😀 "quoted".mp4',
  'back\\slash\ttab.mp4',
  "line\nbreak 'q'.mp4",
  '日本語の動画.mp4',
];

export function videosRows({ quirks, rand, time, sizes }: Generation): Iterable<Row> {
  return range(sizes.videos, (i) => ({
    id: i,
    filename: quirks && i <= ODD_NAMES.length ? `${i}_${ODD_NAMES[i - 1]}` : `/downloads/video_${i}.mp4`,
    original_url: i % 3 === 0 ? null : `https://www.youtube.com/watch?v=${i.toString(36)}`,
    title: `Video ${i}`,
    duration: Math.round(rand() * 600_000) / 1000,
    width: 1280,
    height: 720,
    file_size: i % 7 === 0 ? 2 ** 31 + i * 1000 : i % 11 === 0 ? null : 50_000_000 + i,
    thumbnail_path: `thumbnails/${i}.jpg`,
    upload_date: time(i),
    notes: i % 5 === 0 ? `note ${i}` : null,
  }));
}

export function tagsRows({ time, sizes }: Generation): Iterable<Row> {
  return range(sizes.tags, (i) => ({ id: i, name: `tag_${i}`, category: 'misc', created_date: time(i) }));
}

export function videoTagsRows({ quirks, time, sizes, n }: Generation): Iterable<Row> {
  return range(n(30_000, 10), (i) => ({
    video_id: quirks && i % 3000 === 17 ? sizes.videos + 5000 + i : ((i - 1) % sizes.videos) + 1,
    tag_id: Math.floor((i - 1) / sizes.videos) + 1,
    added_date: time(i),
  }));
}

export function behaviorsRows({ rand, time, sizes, n }: Generation): Iterable<Row> {
  return range(n(20_000, 10), (i) => ({
    id: i,
    video_id: i % 50 === 0 ? null : (i % sizes.videos) + 1,
    behavior_type: 'boat_loading',
    start_time: i * 0.5,
    end_time: i * 0.5 + 3,
    confidence: rand(),
    notes: null,
    annotated_date: time(i),
  }));
}

export function timeRangeTagsRows({ quirks, time, flag, sizes, n }: Generation): Iterable<Row> {
  return range(n(100_000, 10), (i) => ({
    id: i,
    video_id: quirks && i % 5000 === 23 ? sizes.videos + 1 + i : (i % sizes.videos) + 1,
    tag_name: 'loading_boat_trailer',
    start_time: i * 0.25,
    end_time: i % 4 === 0 ? null : i * 0.25 + 5,
    is_negative: flag(i),
    comment: i % 9 === 0 ? `comment ${i}` : null,
    created_date: time(i),
  }));
}

export function keyframeAnnotationsRows({
  quirks,
  reviewed,
  rand,
  time,
  flag,
  sizes,
}: Generation): Iterable<Row> {
  return range(sizes.keyframes, (i) => ({
    id: i + 6, // legacy ids do not start at 1
    video_id: quirks && i % 2000 === 11 ? sizes.videos + 100 + i : (i % sizes.videos) + 1,
    timestamp: Math.round(rand() * 600_000_000) / 1_000_000,
    bbox_x: quirks && i % 5000 === 7 ? 10.5 : quirks && i % 30 === 0 ? 10.0 : Math.floor(rand() * 1200),
    bbox_y: Math.floor(rand() * 700),
    bbox_width: 40 + (i % 300),
    bbox_height: 30 + (i % 200),
    activity_tag: i % 2 === 0 ? 'boat_operating_water' : 'loading_boat_trailer',
    moment_tag: i % 7 === 0 ? 'moment' : null,
    is_negative: flag(i),
    comment: i % 13 === 0 ? `comment ✓ ${i}` : null,
    created_date: time(i),
    ...(reviewed ? { reviewed: quirks ? [1, 0, 'true', null][i % 4] : i % 2 } : {}),
  }));
}

export function tagGroupsRows({ time, flag, sizes }: Generation): Iterable<Row> {
  return range(sizes.groups, (i) => ({
    id: i,
    group_name: `group_${i}`,
    display_name: `Group ${i}`,
    group_type: i % 2 ? 'dropdown' : 'checkbox',
    description: null,
    is_required: flag(i),
    applies_to: 'both',
    sort_order: i,
    created_date: time(i),
  }));
}

export function tagOptionsRows({ time, flag, sizes }: Generation): Iterable<Row> {
  return range(150, (i) => ({
    id: i,
    group_id: (i % sizes.groups) + 1,
    option_value: `option_${i}`,
    display_text: `Option ${i}`,
    is_negative: flag(i),
    description: null,
    sort_order: i,
    created_date: time(i),
  }));
}

export function annotationTagsRows({ time, sizes, n }: Generation): Iterable<Row> {
  return range(n(400_000, 20), (i) => ({
    id: i,
    annotation_id: (i % sizes.keyframes) + 7,
    annotation_type: i % 5 === 0 ? 'time_range' : 'keyframe',
    group_id: (i % sizes.groups) + 1,
    tag_value:
      i % 4 === 0 ? `{"scenario": "s${i}", "bboxes": {"a": {"x": ${i % 900}, "y": 4}}}` : `option_${i % 150}`,
    created_date: time(i),
  }));
}

export function tagSuggestionsRows({ time, flag }: Generation): Iterable<Row> {
  return range(100, (i) => ({
    id: i,
    category: `cat_${i % 5}`,
    tag_text: `suggestion ${i}`,
    is_negative: flag(i),
    description: null,
    sort_order: i,
    created_date: time(i),
  }));
}
