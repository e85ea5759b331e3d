// Run page: its events as a timeline, its output streaming while it runs, its outcome.
import { OPERATION_INFO, gql, ok, subscribeEvents } from "./api.js";
import { duration, when } from "./format.js";
import { html, useEffect, useRef, useState } from "./html.js";
import { runNow } from "./jobs.js";
import { ActionButton, ErrorNote, Status } from "./widgets.js";

const ACTIVE = new Set(["QUEUED", "RUNNING"]);
const RUN = `id status trigger scheduledFor queuedAt startedAt finishedAt durationSeconds
  latenessSeconds result output error traceback attempt worker job { id name timezone }
  events { id kind occurredAt data }`;
const QUERY = `query Run($id: ID!) { latestEventId jobLog(id: $id) { ${RUN} } }`;

function eventText(event) {
  if (event.kind === "OUTPUT") {
    const text = (event.data && event.data.appended) || "";
    return `${text.length} characters of output`;
  }
  if (event.kind === "MISSED" && event.data && event.data.count) return `${event.data.count} occurrences missed`;
  return "";
}

export function RunPage({ id }) {
  const [run, setRun] = useState(null);
  const [error, setError] = useState(null);
  const output = useRef(null);

  async function load() {
    const data = await gql(QUERY, { id });
    if (!data.jobLog) throw new Error(`No run with id ${id}.`);
    setRun(data.jobLog);
    return data;
  }

  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    (async () => {
      try {
        const data = await load();
        if (cancelled) return;
        const seen = new Set(data.jobLog.events.map((event) => event.id));
        stop = subscribeEvents(
          { jobId: data.jobLog.job.id, afterEventId: data.latestEventId || "0" },
          (event) => {
            if (!event.log || event.log.id !== id || seen.has(event.id)) return;
            seen.add(event.id);
            setRun((current) => {
              const appended = event.kind === "OUTPUT" ? (event.data && event.data.appended) || "" : "";
              return {
                ...current,
                ...event.log,
                output: current.output + appended,
                events: [...current.events, { id: event.id, kind: event.kind, occurredAt: event.occurredAt, data: event.data }],
              };
            });
            if (!ACTIVE.has(event.log.status)) load().catch(setError); // result, error, traceback
          },
        );
      } catch (exc) {
        if (!cancelled) setError(exc);
      }
    })();
    return () => {
      cancelled = true;
      stop();
    };
  }, [id]);

  useEffect(() => {
    const box = output.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [run && run.output]);

  if (error && !run) return html`<${ErrorNote} error=${error} />`;
  if (!run) return html`<p class="loading">Loading the run…</p>`;
  const zone = run.job.timezone;

  async function cancel() {
    const data = await gql(
      `mutation Cancel($id: ID!) { cancelRun(id: $id) { __typename ... on JobLog { id status finishedAt durationSeconds } ${OPERATION_INFO} } }`,
      { id },
    );
    const cancelled = ok(data.cancelRun);
    setRun((current) => ({ ...current, ...cancelled }));
  }
  async function rerun() {
    const started = await runNow(run.job);
    window.location.hash = `#/runs/${started.id}`;
  }

  return html`<article aria-labelledby="run-title">
    <p class="crumbs"><a href="#/">Jobs</a> / <a href=${`#/jobs/${run.job.id}`}>${run.job.name}</a> /</p>
    <div class="heading">
      <h1 id="run-title">Run of ${run.job.name} <${Status} status=${run.status} /></h1>
      <div class="toolbar">
        ${ACTIVE.has(run.status) ? html`<${ActionButton} className="danger" action=${cancel}>Cancel<//>` : null}
        <${ActionButton} action=${rerun}>Re-run<//>
      </div>
    </div>
    <dl class="facts">
      <dt>Trigger</dt><dd>${run.trigger.toLowerCase().replace("_", " ")}${run.attempt > 1 ? `, attempt ${run.attempt}` : ""}</dd>
      <dt>Scheduled for</dt><dd>${when(run.scheduledFor, zone)}</dd>
      <dt>Queued</dt><dd>${when(run.queuedAt, zone)}</dd>
      <dt>Started</dt><dd>${when(run.startedAt, zone)}</dd>
      <dt>Finished</dt><dd>${when(run.finishedAt, zone)}</dd>
      <dt>Lateness</dt><dd>${duration(run.latenessSeconds)}</dd>
      <dt>Duration</dt><dd data-testid="duration">${duration(run.durationSeconds)}</dd>
      ${run.worker ? html`<dt>Worker</dt><dd>${run.worker}</dd>` : null}
    </dl>
    <${ErrorNote} error=${error} />
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol class="timeline">${run.events.map((event) => html`<li key=${event.id} data-kind=${event.kind}>
        <time datetime=${event.occurredAt}>${when(event.occurredAt, zone)}</time>
        <strong>${event.kind.toLowerCase().replace("_", " ")}</strong> ${eventText(event)}</li>`)}</ol>
    </section>
    <section aria-labelledby="output-title">
      <h2 id="output-title">Output ${ACTIVE.has(run.status) ? html`<small>(live)</small>` : null}</h2>
      <pre class="output" ref=${output} tabindex="0" aria-live="polite" data-testid="output">${run.output || "(none)"}</pre>
    </section>
    ${run.result !== null && run.result !== undefined
      ? html`<section><h2>Result</h2><pre class="output" data-testid="result">${JSON.stringify(run.result, null, 2)}</pre></section>`
      : null}
    ${run.error ? html`<section><h2>Error</h2><pre class="output bad" data-testid="error">${run.error}</pre></section>` : null}
    ${run.traceback ? html`<section><h2>Traceback</h2><pre class="output">${run.traceback}</pre></section>` : null}
  </article>`;
}
