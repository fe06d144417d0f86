export * from './schemas';
export * from './jobs';
export * from './urls';
export * from './files';
export * from './queries';
export * from './yt-dlp';
export * from './tools';
export * from './service';
