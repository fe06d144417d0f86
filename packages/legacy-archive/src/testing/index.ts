/** Test helpers (`@groundtruth/legacy-archive/testing`): synthetic legacy files and snapshots of a migrated target. */
export * from './generate';
export * from './snapshot';
export * from './private-postgres';
export * from './hostile';
