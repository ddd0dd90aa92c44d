// Registers ts-worker-loader.mjs: passed as `--import` to a worker_thread started from TypeScript sources (tests only).
import { register } from 'node:module';

register('./ts-worker-loader.mjs', import.meta.url);
