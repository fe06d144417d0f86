import { defineConfig } from 'tsup';
import { appBundle } from '../../tooling/tsup/app-bundle';

export default defineConfig(appBundle);
