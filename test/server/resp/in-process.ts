/**
 * Test helper: a RESP server in this process over a fresh store (memory by default, or any
 * engine in a temp directory), on 127.0.0.1 with an ephemeral port.
 */
import * as fs from 'node:fs';
import { openStore } from '../../../src/engine/open-store.js';
import type { RespLimits } from '../../../src/server/resp/limits.js';
import { RespServer } from '../../../src/server/resp/resp-server.js';
import { KvService } from '../../../src/server/service/kv-service.js';
import { tempStoreDir } from '../../support/temp-store-dir.js';

export interface TestServer {
  port: number;
  url: string;
  service: KvService;
  server: RespServer;
  logs: string[];
  stop(): Promise<void>;
}

export async function startTestServer(options: { engine?: string; requirepass?: string; limits?: Partial<RespLimits> } = {}): Promise<TestServer> {
  const engine = options.engine ?? 'memory';
  const dir = engine === 'memory' ? undefined : tempStoreDir('resp');
  const store = await openStore(dir === undefined ? { engine } : { engine, dir, sync: 'never' });
  const service = new KvService(store, { engine, dir: dir ?? '', version: 'test' });
  const logs: string[] = [];
  const server = await RespServer.start(service, {
    host: '127.0.0.1',
    port: 0,
    requirepass: options.requirepass,
    version: 'test',
    sync: 'never',
    limits: options.limits ?? {},
    log: (line) => void logs.push(line),
  });
  const { port } = server.address();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    service,
    server,
    logs,
    stop: async () => {
      await server.close();
      await store.close();
      if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
