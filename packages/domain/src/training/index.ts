export * from './schemas';
export * from './jobs';
export * from './queries';
export * from './backends';
export * from './service';
