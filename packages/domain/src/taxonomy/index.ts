export * from './schemas';
export * from './seed-data';
export * from './queries';
export * from './suggestion-queries';
export * from './service';
