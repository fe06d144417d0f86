export * from './schemas';
export * from './queries';
export * from './tag-queries';
export * from './service';
