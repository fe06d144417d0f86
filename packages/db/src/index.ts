export * from './client';
export * from './model-metadata';
export { Prisma, PrismaClient } from './generated/prisma/client';
export type * from './generated/prisma/models';
