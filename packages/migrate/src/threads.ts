import { createRequire } from 'node:module';

/** Worker-thread source that loads a TypeScript file through tsx's require hook, whether or not this process runs under tsx. */
export function threadBootstrap(file: string): string {
  const tsx = createRequire(__filename).resolve('tsx/cjs/api');
  return `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`;
}
