// Jobs overview: every visible job with its health, updated live from the subscription.
import { OPERATION_INFO, gql, ok, subscribeEvents } from "./api.js";
import { FAILING, duration, relative, when } from "./format.js";
import { html, useEffect, useMemo, useState } from "./html.js";
import { applyEvent, nodes } from "./live.js";
import { ActionButton, ErrorNote, RunStrip, Status } from "./widgets.js";

const PAGE = 50;
const RUN_FIELDS = "id status trigger durationSeconds startedAt finishedAt";
export const JOB_ROW = `id name enabled tags timezone nextRunAt owner { username }
  lastRun { ${RUN_FIELDS} } runs(first: 20) { edges { node { ${RUN_FIELDS} } } }`;
const QUERY = `query Jobs($filters: JobFilter, $after: String) {
  latestEventId
  jobs(first: ${PAGE}, after: $after, filters: $filters, ordering: [{name: ASC}]) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { ${JOB_ROW} } } } }`;

export function jobRow(node) {
  return { ...node, runs: nodes(node.runs) };
}

function filtersFor(search) {
  const filters = {};
  if (search.name) filters.name = { iContains: search.name };
  if (search.tag) filters.tag = search.tag;
  if (search.status) filters.lastStatus = { exact: search.status };
  if (search.enabled) filters.enabled = { exact: search.enabled === "yes" };
  if (search.owner) filters.owner = search.owner;
  return filters;
}

function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export async function setPaused(job, paused) {
  const name = paused ? "pauseJob" : "resumeJob";
  const data = await gql(
    `mutation Toggle($id: ID!) { ${name}(id: $id) { __typename ... on Job { id enabled nextRunAt } ${OPERATION_INFO} } }`,
    { id: job.id },
  );
  return ok(data[name]);
}

export async function runNow(job) {
  const data = await gql(
    `mutation Run($id: ID!) { runJobNow(id: $id) { __typename ... on JobLog { id status } ${OPERATION_INFO} } }`,
    { id: job.id },
  );
  return ok(data.runJobNow);
}

export function JobsOverview({ me }) {
  const [search, setSearch] = useState({ name: "", tag: "", status: "", enabled: "", owner: "" });
  const [order, setOrder] = useState("failing");
  const [jobs, setJobs] = useState(null);
  const [page, setPage] = useState({ total: 0, hasNext: false, cursor: null });
  const [error, setError] = useState(null);
  const now = useNow();

  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const data = await gql(QUERY, { filters: filtersFor(search) });
        if (cancelled) return;
        setJobs(nodes(data.jobs).map(jobRow));
        setPage({ total: data.jobs.totalCount, hasNext: data.jobs.pageInfo.hasNextPage, cursor: data.jobs.pageInfo.endCursor });
        setError(null);
        stop = subscribeEvents({ afterEventId: data.latestEventId || "0" }, (event) => {
          setJobs((current) =>
            current && current.map((job) => (job.id === event.job.id ? applyEvent(job, event) : job)),
          );
        });
      } catch (exc) {
        if (!cancelled) setError(exc);
      }
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      stop();
    };
  }, [search.name, search.tag, search.status, search.enabled, search.owner]);

  async function more() {
    try {
      const data = await gql(QUERY, { filters: filtersFor(search), after: page.cursor });
      setJobs((current) => [...current, ...nodes(data.jobs).map(jobRow)]);
      setPage({ total: data.jobs.totalCount, hasNext: data.jobs.pageInfo.hasNextPage, cursor: data.jobs.pageInfo.endCursor });
    } catch (exc) {
      setError(exc);
    }
  }

  const sorted = useMemo(() => {
    if (!jobs) return [];
    const list = [...jobs];
    const failing = (job) => (job.lastRun && FAILING.has(job.lastRun.status) ? 0 : 1);
    if (order === "failing") list.sort((a, b) => failing(a) - failing(b) || a.name.localeCompare(b.name));
    if (order === "next") list.sort((a, b) => (a.nextRunAt || "~").localeCompare(b.nextRunAt || "~"));
    return list;
  }, [jobs, order]);

  function replace(updated) {
    setJobs((current) => current.map((job) => (job.id === updated.id ? { ...job, ...updated } : job)));
  }

  const set = (key) => (event) => setSearch({ ...search, [key]: event.target.value });
  return html`<section aria-labelledby="jobs-title">
    <div class="heading">
      <h1 id="jobs-title">Jobs</h1>
      <a class="button" href="#/jobs/new">New job</a>
    </div>
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <label>Name <input type="search" value=${search.name} onInput=${set("name")} /></label>
      <label>Tag <input type="search" value=${search.tag} onInput=${set("tag")} /></label>
      <label>Last outcome
        <select value=${search.status} onChange=${set("status")}>
          <option value="">any</option>
          ${["SUCCEEDED", "FAILED", "TIMED_OUT", "LOST", "SKIPPED", "CANCELLED"].map(
            (s) => html`<option value=${s}>${s.toLowerCase().replace("_", " ")}</option>`,
          )}
        </select>
      </label>
      <label>Enabled
        <select value=${search.enabled} onChange=${set("enabled")}>
          <option value="">any</option><option value="yes">enabled</option><option value="no">paused</option>
        </select>
      </label>
      ${me.isStaff ? html`<label>Owner <input type="search" value=${search.owner} onInput=${set("owner")} /></label>` : null}
      <label>Order
        <select value=${order} onChange=${(e) => setOrder(e.target.value)}>
          <option value="failing">failing first</option><option value="name">name</option><option value="next">next run</option>
        </select>
      </label>
    </form>
    <${ErrorNote} error=${error} />
    ${jobs === null && !error ? html`<p class="loading">Loading jobs…</p>` : null}
    ${jobs !== null ? html`<p class="count" aria-live="polite">${page.total} job${page.total === 1 ? "" : "s"}</p>
      <div class="table-wrap"><table class="jobs">
        <thead><tr>
          <th scope="col">Job</th>
          ${me.isStaff ? html`<th scope="col">Owner</th>` : null}
          <th scope="col">Last run</th><th scope="col">Next run</th><th scope="col">Last duration</th>
          <th scope="col">Last 20 runs</th><th scope="col">Tags</th><th scope="col"><span class="sr">Actions</span></th>
        </tr></thead>
        <tbody>
          ${sorted.map((job) => html`<tr key=${job.id} data-job=${job.name} class=${job.enabled ? "" : "paused"}>
            <th scope="row"><a href=${`#/jobs/${job.id}`}>${job.name}</a>${job.enabled ? null : html` <span class="tag quiet">paused</span>`}</th>
            ${me.isStaff ? html`<td data-col="owner">${job.owner ? job.owner.username : "—"}</td>` : null}
            <td data-col="last"><${Status} status=${job.lastRun && job.lastRun.status} /></td>
            <td data-col="next">${job.nextRunAt ? html`<span>${relative(job.nextRunAt, now)}</span><br /><small>${when(job.nextRunAt, job.timezone)}</small>` : "—"}</td>
            <td data-col="duration" class="num">${duration(job.lastRun && job.lastRun.durationSeconds)}</td>
            <td><${RunStrip} runs=${job.runs} /></td>
            <td>${job.tags.map((tag) => html`<button type="button" class="tag" onClick=${() => setSearch({ ...search, tag })}>${tag}</button>`)}</td>
            <td class="actions">
              ${job.enabled
                ? html`<${ActionButton} label=${`Pause ${job.name}`} action=${async () => replace(await setPaused(job, true))}>Pause<//>`
                : html`<${ActionButton} label=${`Resume ${job.name}`} action=${async () => replace(await setPaused(job, false))}>Resume<//>`}
              <${ActionButton} label=${`Run ${job.name} now`} action=${() => runNow(job)}>Run now<//>
            </td>
          </tr>`)}
        </tbody>
      </table></div>
      ${page.hasNext ? html`<button type="button" onClick=${more}>Show more jobs</button>` : null}` : null}
  </section>`;
}
