/**
 * The thread module of the replay pool: each task is one file through `replayItem`, exactly as in
 * a serial replay (see `replayPoolTask`).
 */
import { type PoolReply, type PoolTask, replayPoolTask } from '../src/replay/replay-pool-task.js';
import { replayItem } from './dataset-replay.js';

/** Runs one file (`null`: a ping, answered once this module has loaded). */
export default function replayFile(task: PoolTask | null): Promise<PoolReply> {
  return replayPoolTask(task, replayItem);
}
