export * from './schemas';
export * from './queries';
export * from './time-range-queries';
export * from './keyframe-queries';
export * from './service';
