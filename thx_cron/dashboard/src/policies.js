// A job's policies in words.
import { duration, when } from "./format.js";

export function policyWords(job) {
  const lines = [];
  lines.push(
    {
      SKIP: "A run due while another is still running is skipped.",
      ALLOW: "Runs may overlap: a run starts even while another is running.",
      QUEUE: "A run due while another is running waits for it to finish.",
    }[job.overlapPolicy],
  );
  const grace = job.misfireGraceSeconds ?? 60;
  lines.push(
    {
      RUN_ONCE: `Occurrences missed while no dispatcher ran (over ${duration(grace)} late) are caught up with one run.`,
      SKIP: `Occurrences missed while no dispatcher ran (over ${duration(grace)} late) are skipped.`,
      RUN_ALL: `Occurrences missed while no dispatcher ran (over ${duration(grace)} late) each get a run.`,
    }[job.misfirePolicy],
  );
  lines.push(
    job.timeoutSeconds
      ? `A run is stopped after ${duration(job.timeoutSeconds)} and ends timed out.`
      : "A run is stopped after the server's default timeout.",
  );
  lines.push(
    job.maxRetries
      ? `A failed, timed-out or lost run is retried up to ${job.maxRetries} time${job.maxRetries === 1 ? "" : "s"}, first after ${duration(job.retryBackoffSeconds)}, then twice as long each time.`
      : "A failed run is not retried.",
  );
  if (job.oneTime) lines.push("One-time: the job runs its next occurrence only, then disables itself.");
  if (job.maxRuns) lines.push(`The job stops after ${job.maxRuns} scheduled runs.`);
  if (job.startAt) lines.push(`No occurrence before ${when(job.startAt, job.timezone)}.`);
  if (job.endAt) lines.push(`No occurrence after ${when(job.endAt, job.timezone)}.`);
  return lines;
}
