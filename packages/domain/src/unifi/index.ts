export * from './schemas';
export * from './queries';
export * from './client';
export * from './service';
