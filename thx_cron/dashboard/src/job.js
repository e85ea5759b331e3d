// Job page: schedule and its next occurrences, policies, paged run history, duration chart.
import { OPERATION_INFO, gql, ok, subscribeEvents } from "./api.js";
import { DurationChart } from "./chart.js";
import { duration, when } from "./format.js";
import { html, useEffect, useState } from "./html.js";
import { runNow, setPaused } from "./jobs.js";
import { nodes } from "./live.js";
import { policyWords } from "./policies.js";
import { ActionButton, ErrorNote, Status } from "./widgets.js";

const HISTORY = 20;
const RUN = "id status trigger scheduledFor queuedAt startedAt finishedAt durationSeconds latenessSeconds";
const JOB = `query Job($id: ID!) { latestEventId job(id: $id) {
  id name description enabled action args kwargs tags timezone oneTime startAt endAt maxRuns
  timeoutSeconds overlapPolicy misfirePolicy misfireGraceSeconds maxRetries retryBackoffSeconds
  nextRunAt runCount successCount failureCount consecutiveFailures owner { username }
  schedule { kind description } nextOccurrences(count: 10)
  durations: runs(first: 100) { edges { node { id status durationSeconds } } } } }`;
const RUNS = `query Runs($id: ID!, $after: String) { job(id: $id) {
  runs(first: ${HISTORY}, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { ${RUN} } } } } }`;

function merge(list, log, limit) {
  const index = list.findIndex((run) => run.id === log.id);
  if (index >= 0) {
    const copy = [...list];
    copy[index] = { ...list[index], ...log };
    return copy;
  }
  return [log, ...list].slice(0, limit);
}

export function RunHistory({ runs, zone }) {
  return html`<div class="table-wrap"><table class="runs">
    <thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Trigger</th><th scope="col">Scheduled for</th>
      <th scope="col">Started</th><th scope="col">Lateness</th><th scope="col">Duration</th></tr></thead>
    <tbody>${runs.map((run) => html`<tr key=${run.id} data-run=${run.id}>
      <th scope="row"><a href=${`#/runs/${run.id}`}>${when(run.queuedAt, zone)}</a></th>
      <td><${Status} status=${run.status} /></td>
      <td>${run.trigger ? run.trigger.toLowerCase().replace("_", " ") : ""}</td>
      <td>${when(run.scheduledFor, zone)}</td>
      <td>${when(run.startedAt, zone)}</td>
      <td class="num">${duration(run.latenessSeconds)}</td>
      <td class="num">${duration(run.durationSeconds)}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

export function JobPage({ id }) {
  const [job, setJob] = useState(null);
  const [durations, setDurations] = useState([]);
  const [runs, setRuns] = useState([]);
  const [pages, setPages] = useState([null]); // cursors of the pages seen, for paging back
  const [page, setPage] = useState({ total: 0, hasNext: false, end: null });
  const [error, setError] = useState(null);
  const pageIndex = pages.length - 1;

  async function loadRuns(after) {
    const data = await gql(RUNS, { id, after });
    const connection = data.job.runs;
    setRuns(nodes(connection));
    setPage({ total: connection.totalCount, hasNext: connection.pageInfo.hasNextPage, end: connection.pageInfo.endCursor });
  }

  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    (async () => {
      try {
        const data = await gql(JOB, { id });
        if (cancelled) return;
        if (!data.job) throw new Error(`No job with id ${id}.`);
        setJob(data.job);
        setDurations(nodes(data.job.durations));
        await loadRuns(null);
        stop = subscribeEvents({ jobId: id, afterEventId: data.latestEventId || "0" }, (event) => {
          setJob((current) => ({ ...current, nextRunAt: event.job.nextRunAt, enabled: event.job.enabled }));
          if (!event.log) return;
          setDurations((current) => merge(current, event.log, 100));
          setPages((cursors) => {
            if (cursors.length === 1) setRuns((current) => merge(current, event.log, HISTORY));
            return cursors;
          });
        });
      } catch (exc) {
        if (!cancelled) setError(exc);
      }
    })();
    return () => {
      cancelled = true;
      stop();
    };
  }, [id]);

  if (error && !job) return html`<${ErrorNote} error=${error} />`;
  if (!job) return html`<p class="loading">Loading the job…</p>`;

  async function remove() {
    const data = await gql(`mutation Delete($id: ID!) { deleteJob(id: $id) { __typename ${OPERATION_INFO} } }`, { id });
    ok(data.deleteJob);
    window.location.hash = "#/";
  }
  async function next() {
    await loadRuns(page.end);
    setPages([...pages, page.end]);
  }
  async function previous() {
    const cursors = pages.slice(0, -1);
    await loadRuns(cursors[cursors.length - 1]);
    setPages(cursors);
  }

  return html`<article aria-labelledby="job-title">
    <p class="crumbs"><a href="#/">Jobs</a> /</p>
    <div class="heading">
      <h1 id="job-title">${job.name} ${job.enabled ? null : html`<span class="tag quiet">paused</span>`}</h1>
      <div class="toolbar">
        <${ActionButton} action=${() => runNow(job)}>Run now<//>
        ${job.enabled
          ? html`<${ActionButton} action=${async () => setJob({ ...job, ...(await setPaused(job, true)) })}>Pause<//>`
          : html`<${ActionButton} action=${async () => setJob({ ...job, ...(await setPaused(job, false)) })}>Resume<//>`}
        <a class="button" href=${`#/jobs/${job.id}/edit`}>Edit</a>
        <${ActionButton} className="danger" action=${remove} confirmText=${`Delete the job ${job.name} and its runs?`}>Delete<//>
      </div>
    </div>
    ${job.description ? html`<p>${job.description}</p>` : null}
    <div class="cards">
      <section class="card" aria-labelledby="schedule-title">
        <h2 id="schedule-title">Schedule</h2>
        <p data-testid="schedule-description">${job.schedule.description}${job.schedule.description.includes(job.timezone) ? null : html` <small>(${job.timezone})</small>`}</p>
        <p>Next run: ${when(job.nextRunAt, job.timezone)}</p>
        <h3>Next occurrences</h3>
        <ol class="occurrences">${job.nextOccurrences.map((moment) => html`<li>${when(moment, job.timezone)}</li>`)}</ol>
      </section>
      <section class="card" aria-labelledby="policies-title">
        <h2 id="policies-title">Policies</h2>
        <ul>${policyWords(job).map((line) => html`<li>${line}</li>`)}</ul>
        <h3>Action</h3>
        <p><code>${job.action}</code> args <code>${JSON.stringify(job.args)}</code> kwargs <code>${JSON.stringify(job.kwargs)}</code></p>
        <p>${job.runCount} runs, ${job.successCount} succeeded, ${job.failureCount} failed${job.consecutiveFailures ? `, ${job.consecutiveFailures} failures in a row` : ""}.
          ${job.owner ? ` Owner: ${job.owner.username}.` : ""}</p>
        ${job.tags.length ? html`<p>${job.tags.map((tag) => html`<span class="tag">${tag}</span> `)}</p>` : null}
      </section>
    </div>
    <section aria-labelledby="durations-title">
      <h2 id="durations-title">Durations</h2>
      <${DurationChart} runs=${durations} />
    </section>
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Runs <small>(${page.total})</small></h2>
      <${ErrorNote} error=${error} />
      <${RunHistory} runs=${runs} zone=${job.timezone} />
      <div class="pager">
        <button type="button" disabled=${pageIndex === 0} onClick=${previous}>Newer</button>
        <span>page ${pageIndex + 1}</span>
        <button type="button" disabled=${!page.hasNext} onClick=${next}>Older</button>
      </div>
    </section>
  </article>`;
}
