/**
 * Runs work that must visit every master (a scan page, a count) over a slot map that held still
 * while it ran. Each master's own `CLUSTER NODES` line (its id and the slots it serves, with the
 * `[slot->-id]` / `[slot-<-id]` markers of a migration) is read before and after; a migration in
 * progress is waited out, and a change between the two reads repeats the work on the new map. So a
 * key moving from one master to another is never missed or counted twice by the work.
 */
import { ErrorCodes, KvsError } from '../../engine/errors.js';
import type { ClusterConnection, ClusterMaster } from './cluster-connection.js';
import { SLOT_COUNT } from './hash-slot.js';

interface Topology {
  /** The masters' own lines, joined: equal iff no slot changed owner or state. */
  fingerprint: string;
  /** Slots the masters serve (16384 when the cluster is whole). */
  covered: number;
  /** True iff some master is importing or migrating a slot right now. */
  moving: boolean;
}

/** Pause between reads of the slot map while a migration or failover is under way. */
const POLL_MS = 50;

async function readTopology(masters: readonly ClusterMaster[]): Promise<Topology> {
  const lines = await Promise.all(
    masters.map(async (master) => {
      const text = String(await master.send(['CLUSTER', 'NODES']));
      return text.split('\n').find((line) => line.includes('myself')) ?? '';
    }),
  );
  let covered = 0;
  let moving = false;
  for (const line of lines) {
    const [, , flags = '', , , , , , ...slots] = line.trim().split(' ');
    if (!flags.includes('master')) continue;
    for (const range of slots) {
      if (range.startsWith('[')) {
        moving = true;
        continue;
      }
      const [from, to] = range.split('-').map(Number);
      covered += to === undefined ? 1 : to - from! + 1;
    }
  }
  const fingerprint = lines.map((line) => { const [id, , flags, , , , , , ...slots] = line.trim().split(' '); return `${id} ${flags} ${slots.join(' ')}`; }).sort().join('\n');
  return { fingerprint, covered, moving };
}

/**
 * `work(masters)` on a slot map that served every slot and did not change while it ran; repeated
 * (after a refresh of the client's map) when it did not. Gives up with IO_ERROR after `timeoutMs`
 * of moving or unserved slots.
 */
export async function onStableSlots<T>(connection: ClusterConnection, timeoutMs: number, what: string, work: (masters: ClusterMaster[]) => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const masters = await connection.masters();
    const before = await readTopology(masters);
    if (before.covered === SLOT_COUNT && !before.moving) {
      const result = await work(masters);
      const after = await readTopology(masters);
      if (after.fingerprint === before.fingerprint) return result;
    }
    // Unserved slots (a failover under way, a slot between owners) or moving ones: wait them out
    // on a fresh map (the client may not know a new master yet).
    await connection.refresh();
    if (Date.now() > deadline) {
      if (before.covered < SLOT_COUNT) {
        throw new KvsError(ErrorCodes.IO_ERROR, `the Redis Cluster at ${connection.url} serves ${before.covered} of ${SLOT_COUNT} hash slots from the masters ${masters.map((m) => m.address).join(', ')}, so ${what} would miss keys, and no master took the rest over within ${timeoutMs} ms; check it with "redis-cli --cluster check ${masters[0]?.address ?? 'HOST:PORT'}", restart the failed node or assign the missing slots ("redis-cli --cluster fix"), then retry`, { details: { url: connection.url, covered: before.covered } });
      }
      throw new KvsError(ErrorCodes.IO_ERROR, `the Redis Cluster at ${connection.url} kept moving slots for ${timeoutMs} ms, so ${what} could not finish on a steady slot map; retry once the resharding or failover is over (or raise the commandTimeoutMs option)`, { details: { url: connection.url } });
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
