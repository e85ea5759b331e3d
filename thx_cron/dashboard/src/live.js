// Applying run events to what a page shows: the job's last run, its strip of recent runs.
import { idNumber } from "./api.js";

const STRIP = 20;

/** Return `job` with the event's run folded into its last run and recent runs. */
export function applyEvent(job, event) {
  const log = event.log;
  const next = { ...job, nextRunAt: event.job.nextRunAt, enabled: event.job.enabled };
  if (!log) return next;
  const runs = job.runs || [];
  const index = runs.findIndex((run) => run.id === log.id);
  let updated;
  if (index >= 0) {
    updated = [...runs];
    updated[index] = { ...runs[index], ...log };
  } else {
    updated = [log, ...runs].sort((a, b) => idNumber(b.id) - idNumber(a.id)).slice(0, STRIP);
  }
  const last = job.lastRun;
  const lastRun = !last || idNumber(log.id) >= idNumber(last.id) ? { ...last, ...log } : last;
  return { ...next, runs: updated, lastRun };
}

/** Flatten a connection's edges into its nodes. */
export function nodes(connection) {
  return connection ? connection.edges.map((edge) => edge.node) : [];
}
