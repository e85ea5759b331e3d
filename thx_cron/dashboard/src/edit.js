// Create and edit a job: action picker with argument fields, the four schedule kinds with a live
// preview, a searchable time-zone picker, policies; errors appear at the field they name.
import { OPERATION_INFO, gql, ok } from "./api.js";
import { when } from "./format.js";
import { html, useEffect, useState } from "./html.js";
import { ErrorNote, Field, fieldErrors } from "./widgets.js";

const JOB = `query Edit($id: ID!) { job(id: $id) { id name description enabled action args kwargs tags
  timezone oneTime maxRuns timeoutSeconds overlapPolicy misfirePolicy misfireGraceSeconds maxRetries
  retryBackoffSeconds schedule { kind cron at every { seconds }
  calendar { year month day hour minute weekday } } } }`;
const ACTIONS = "{ actions { name description arguments { name kind required default annotation } } }";
const PREVIEW = `query Preview($schedule: ScheduleInput!, $timezone: String!) {
  previewSchedule(schedule: $schedule, timezone: $timezone, count: 5) {
    __typename ... on SchedulePreview { description occurrences } ${OPERATION_INFO} } }`;
const CALENDAR = ["year", "month", "day", "hour", "minute", "weekday"];
const ZONES = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];

const EMPTY = {
  name: "", description: "", action: "", args: [], kwargs: {}, tags: "", timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  enabled: true, oneTime: false, maxRuns: "", timeoutSeconds: "", overlapPolicy: "SKIP", misfirePolicy: "RUN_ONCE",
  misfireGraceSeconds: "", maxRetries: 0, retryBackoffSeconds: 30,
  kind: "CRON", cron: "*/5 * * * *", every: 60, at: "", calendar: { year: "", month: "", day: "", hour: "9", minute: "0", weekday: "" },
  argsJson: "[]", kwargsJson: "{}",
};

function fromJob(job) {
  const s = job.schedule;
  const calendar = Object.fromEntries(CALENDAR.map((key) => [key, s.calendar && s.calendar[key] !== null ? String(s.calendar[key]) : ""]));
  return {
    ...EMPTY, ...job, tags: job.tags.join(", "), maxRuns: job.maxRuns ?? "", timeoutSeconds: job.timeoutSeconds ?? "",
    misfireGraceSeconds: job.misfireGraceSeconds ?? "", kind: s.kind, cron: s.cron || EMPTY.cron,
    every: s.every ? s.every.seconds : EMPTY.every, at: s.at ? s.at.slice(0, 19) : "", calendar,
    argsJson: JSON.stringify(job.args), kwargsJson: JSON.stringify(job.kwargs),
  };
}

/** The schedule input (a one-of) for the form's kind. */
export function scheduleInput(form) {
  if (form.kind === "CRON") return { cron: form.cron };
  if (form.kind === "INTERVAL") return { every: { seconds: Number(form.every) } };
  if (form.kind === "ONCE") return { at: form.at ? (form.at.length === 16 ? `${form.at}:00` : form.at) : null };
  const calendar = {};
  for (const key of CALENDAR) if (form.calendar[key] !== "") calendar[key] = Number(form.calendar[key]);
  return { calendar };
}

// Server field paths ("schedule.cron", "timeout_seconds") as the form's field names.
function formField(path) {
  const name = (path || "").replace(/^schedule\.?/, "") || "schedule";
  return name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

function parseValue(text, annotation) {
  if (/\b(int|float)\b/.test(annotation) && text !== "" && !Number.isNaN(Number(text))) return Number(text);
  if (/\bstr\b/.test(annotation)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function optionalNumber(value) {
  return value === "" || value === null || value === undefined ? null : Number(value);
}

function Preview({ form }) {
  const [preview, setPreview] = useState(null);
  useEffect(() => {
    const timer = setTimeout(async () => {
      try {
        const data = await gql(PREVIEW, { schedule: scheduleInput(form), timezone: form.timezone || "UTC" });
        const answer = data.previewSchedule;
        setPreview(answer.__typename === "OperationInfo" ? { error: answer.messages.map((m) => m.message).join(" ") } : answer);
      } catch (exc) {
        setPreview({ error: exc.message });
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [JSON.stringify(scheduleInput(form)), form.timezone]);
  if (!preview) return html`<p class="preview quiet" aria-live="polite">…</p>`;
  if (preview.error) return html`<p class="preview error" aria-live="polite" data-testid="preview">${preview.error}</p>`;
  return html`<div class="preview" aria-live="polite" data-testid="preview">
    <p><strong>${preview.description}</strong></p>
    <ol>${preview.occurrences.map((moment) => html`<li>${when(moment, form.timezone)}</li>`)}</ol>
  </div>`;
}

export function JobEditor({ id }) {
  const [form, setForm] = useState(id ? null : EMPTY);
  const [actions, setActions] = useState([]);
  const [json, setJson] = useState(false);
  const [errors, setErrors] = useState({});
  const [loadError, setLoadError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    gql(ACTIONS).then((data) => setActions(data.actions)).catch(setLoadError);
    if (id) {
      gql(JOB, { id })
        .then((data) => (data.job ? setForm(fromJob(data.job)) : setLoadError(new Error(`No job with id ${id}.`))))
        .catch(setLoadError);
    }
  }, [id]);

  if (loadError) return html`<${ErrorNote} error=${loadError} />`;
  if (!form) return html`<p class="loading">Loading the job…</p>`;
  const action = actions.find((a) => a.name === form.action);
  const set = (key, value) => setForm({ ...form, [key]: value });
  const bind = (key) => ({ value: form[key], onInput: (e) => set(key, e.target.value) });
  const setCalendar = (key) => (e) => set("calendar", { ...form.calendar, [key]: e.target.value });

  function argumentValue(argument) {
    if (argument.kind === "positional") {
      const index = action.arguments.filter((a) => a.kind === "positional").indexOf(argument);
      return form.args[index];
    }
    return form.kwargs[argument.name];
  }
  function setArgument(argument, value) {
    if (argument.kind === "positional") {
      const index = action.arguments.filter((a) => a.kind === "positional").indexOf(argument);
      const args = [...form.args];
      args[index] = value;
      setForm({ ...form, args, argsJson: JSON.stringify(args) });
    } else {
      const kwargs = { ...form.kwargs };
      if (value === undefined || value === "") delete kwargs[argument.name];
      else kwargs[argument.name] = value;
      setForm({ ...form, kwargs, kwargsJson: JSON.stringify(kwargs) });
    }
  }

  async function submit(event) {
    event.preventDefault();
    let args = form.args;
    let kwargs = form.kwargs;
    const local = {};
    if (json || !action) {
      try {
        args = JSON.parse(form.argsJson || "[]");
      } catch (exc) {
        local.args = `not JSON: ${exc.message}`;
      }
      try {
        kwargs = JSON.parse(form.kwargsJson || "{}");
      } catch (exc) {
        local.kwargs = `not JSON: ${exc.message}`;
      }
    }
    if (Object.keys(local).length) return setErrors(local);
    const input = {
      name: form.name, description: form.description, action: form.action, args, kwargs,
      schedule: scheduleInput(form), timezone: form.timezone,
      tags: form.tags.split(",").map((t) => t.trim()).filter(Boolean),
      enabled: form.enabled, oneTime: form.oneTime, maxRuns: optionalNumber(form.maxRuns),
      timeoutSeconds: optionalNumber(form.timeoutSeconds), overlapPolicy: form.overlapPolicy,
      misfirePolicy: form.misfirePolicy, misfireGraceSeconds: optionalNumber(form.misfireGraceSeconds),
      maxRetries: Number(form.maxRetries || 0), retryBackoffSeconds: Number(form.retryBackoffSeconds || 0),
    };
    setBusy(true);
    setErrors({});
    try {
      const mutation = id
        ? `mutation Save($id: ID!, $input: JobInput!) { saved: updateJob(id: $id, input: $input) { __typename ... on Job { id } ${OPERATION_INFO} } }`
        : `mutation Save($input: JobInput!) { saved: createJob(input: $input) { __typename ... on Job { id } ${OPERATION_INFO} } }`;
      const data = await gql(mutation, id ? { id, input } : { input });
      const saved = ok(data.saved);
      window.location.hash = `#/jobs/${saved.id}`;
    } catch (exc) {
      const byField = {};
      for (const [path, message] of Object.entries(fieldErrors(exc))) byField[path ? formField(path) : ""] = message;
      setErrors(byField);
    } finally {
      setBusy(false);
    }
  }

  const kinds = { CRON: "cron", CALENDAR: "calendar", INTERVAL: "every N seconds", ONCE: "once" };
  return html`<form class="editor" onSubmit=${submit} aria-labelledby="edit-title" novalidate>
    <p class="crumbs"><a href="#/">Jobs</a> /</p>
    <h1 id="edit-title">${id ? `Edit ${form.name}` : "New job"}</h1>
    <${ErrorNote} error=${errors[""] ? { message: errors[""] } : null} />
    <fieldset><legend>Job</legend>
      <${Field} label="Name" name="name" errors=${errors}><input name="name" required ...${bind("name")} /><//>
      <${Field} label="Description" name="description" errors=${errors}><input name="description" ...${bind("description")} /><//>
      <${Field} label="Tags" name="tags" errors=${errors} hint="comma-separated"><input name="tags" ...${bind("tags")} /><//>
      <${Field} label="Enabled" name="enabled" errors=${errors}><input type="checkbox" name="enabled" checked=${form.enabled} onChange=${(e) => set("enabled", e.target.checked)} /><//>
    </fieldset>
    <fieldset><legend>Action</legend>
      <${Field} label="Action" name="action" errors=${errors} hint=${action ? action.description : ""}>
        <select name="action" value=${form.action} onChange=${(e) => setForm({ ...form, action: e.target.value, args: [], kwargs: {}, argsJson: "[]", kwargsJson: "{}" })}>
          <option value="">choose an action</option>
          ${actions.map((a) => html`<option value=${a.name}>${a.name}</option>`)}
        </select>
      <//>
      <label class="inline"><input type="checkbox" checked=${json} onChange=${(e) => setJson(e.target.checked)} /> Arguments as JSON</label>
      ${json || !action
        ? html`<${Field} label="Positional arguments (JSON list)" name="args" errors=${errors}><textarea name="args" ...${bind("argsJson")} onInput=${(e) => set("argsJson", e.target.value)} /><//>
            <${Field} label="Keyword arguments (JSON object)" name="kwargs" errors=${errors}><textarea name="kwargs" ...${bind("kwargsJson")} onInput=${(e) => set("kwargsJson", e.target.value)} /><//>`
        : action.arguments.filter((a) => a.kind === "positional" || a.kind === "keyword").map((argument) => {
            const value = argumentValue(argument);
            const bool = /\bbool\b/.test(argument.annotation);
            const number = /\b(int|float)\b/.test(argument.annotation);
            return html`<${Field} label=${`${argument.name}${argument.required ? "" : " (optional)"}`} name=${argument.kind === "positional" ? "args" : "kwargs"} errors=${errors}
              hint=${`${argument.annotation || "any"}${argument.required ? "" : `, default ${JSON.stringify(argument.default)}`}`}>
              ${bool
                ? html`<input type="checkbox" name=${`arg-${argument.name}`} checked=${value ?? argument.default ?? false} onChange=${(e) => setArgument(argument, e.target.checked)} />`
                : html`<input name=${`arg-${argument.name}`} type=${number ? "number" : "text"} step="any" value=${value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value)}
                    placeholder=${argument.required ? "" : JSON.stringify(argument.default)} onInput=${(e) => setArgument(argument, e.target.value === "" && !argument.required ? undefined : parseValue(e.target.value, argument.annotation))} />`}
            <//>`;
          })}
    </fieldset>
    <fieldset><legend>Schedule</legend>
      <div class="kinds" role="radiogroup" aria-label="Schedule kind">
        ${Object.entries(kinds).map(([kind, word]) => html`<label class="inline"><input type="radio" name="kind" value=${kind} checked=${form.kind === kind} onChange=${() => set("kind", kind)} /> ${word}</label>`)}
      </div>
      ${form.kind === "CRON" ? html`<${Field} label="Cron expression" name="cron" errors=${errors} hint="minute hour day month weekday; @daily, L, W and # work"><input name="cron" ...${bind("cron")} /><//>` : null}
      ${form.kind === "INTERVAL" ? html`<${Field} label="Every (seconds)" name="every.seconds" errors=${errors}><input name="every" type="number" min="1" ...${bind("every")} /><//>` : null}
      ${form.kind === "ONCE" ? html`<${Field} label="At (in the job's zone)" name="at" errors=${errors}><input name="at" type="datetime-local" step="1" ...${bind("at")} /><//>` : null}
      ${form.kind === "CALENDAR" ? html`<div class="calendar">${CALENDAR.map((key) => html`<${Field} label=${key} name=${`calendar.${key}`} errors=${errors}><input name=${`calendar-${key}`} type="number" value=${form.calendar[key]} onInput=${setCalendar(key)} placeholder="every" /><//>`)}</div>
        ${errors.calendar ? html`<small class="error" role="alert">${errors.calendar}</small>` : null}` : null}
      ${errors.schedule ? html`<small class="error" role="alert">${errors.schedule}</small>` : null}
      <${Field} label="Time zone" name="timezone" errors=${errors}><input name="timezone" list="zones" ...${bind("timezone")} /><//>
      <datalist id="zones">${ZONES.map((zone) => html`<option value=${zone} />`)}</datalist>
      <h2 class="small">Preview</h2>
      <${Preview} form=${form} />
    </fieldset>
    <fieldset><legend>Policies</legend>
      <${Field} label="Overlap" name="overlapPolicy" errors=${errors} hint="what a run does while another run of this job is running">
        <select value=${form.overlapPolicy} onChange=${(e) => set("overlapPolicy", e.target.value)}>
          <option value="SKIP">skip it</option><option value="ALLOW">run anyway</option><option value="QUEUE">wait for the other</option>
        </select><//>
      <${Field} label="Misfire" name="misfirePolicy" errors=${errors} hint="occurrences missed while no dispatcher ran">
        <select value=${form.misfirePolicy} onChange=${(e) => set("misfirePolicy", e.target.value)}>
          <option value="RUN_ONCE">one catch-up run</option><option value="SKIP">skip them</option><option value="RUN_ALL">run each of them</option>
        </select><//>
      <${Field} label="Misfire grace (s)" name="misfireGraceSeconds" errors=${errors} hint="a run this late still counts as on time (default 60)"><input type="number" min="0" ...${bind("misfireGraceSeconds")} /><//>
      <${Field} label="Timeout (s)" name="timeoutSeconds" errors=${errors} hint="a run is stopped after this long (empty: the server's default)"><input type="number" min="1" ...${bind("timeoutSeconds")} /><//>
      <${Field} label="Retries" name="maxRetries" errors=${errors} hint="a failed, timed-out or lost run is retried this many times"><input type="number" min="0" ...${bind("maxRetries")} /><//>
      <${Field} label="Retry backoff (s)" name="retryBackoffSeconds" errors=${errors} hint="the first retry waits this long, each next one twice as long"><input type="number" min="0" ...${bind("retryBackoffSeconds")} /><//>
      <${Field} label="Max runs" name="maxRuns" errors=${errors} hint="stop after this many scheduled runs (empty: no limit)"><input type="number" min="1" ...${bind("maxRuns")} /><//>
      <${Field} label="One-time" name="oneTime" errors=${errors} hint="run the next occurrence only, then disable the job"><input type="checkbox" checked=${form.oneTime} onChange=${(e) => set("oneTime", e.target.checked)} /><//>
    </fieldset>
    <div class="toolbar">
      <button type="submit" disabled=${busy}>${id ? "Save" : "Create job"}</button>
      <a class="button" href=${id ? `#/jobs/${id}` : "#/"}>Cancel</a>
    </div>
  </form>`;
}
