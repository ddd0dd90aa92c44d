/** Durability under sync "always": every write acknowledged before SIGKILL is there after reopen. */
import { itKeepsAcknowledgedWritesAcrossKill } from '../../support/engine-crash.js';

itKeepsAcknowledgedWritesAcrossKill('rocksdb');
