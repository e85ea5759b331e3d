// Notification rules (create, edit, enable, send a test; URLs write-only and shown masked) and
// their deliveries with status, attempts and the masked error.
import { OPERATION_INFO, gql, ok } from "./api.js";
import { when } from "./format.js";
import { html, useEffect, useState } from "./html.js";
import { ActionButton, ErrorNote, Field, fieldErrors } from "./widgets.js";

// The events a rule may choose without duration thresholds (slow, fast and running long need
// thresholds that this form does not ask for yet).
const EVENTS = ["STARTED", "SUCCEEDED", "FAILED", "TIMED_OUT", "LOST", "MISSED", "RECOVERED"];
// Uncontrolled fields (defaultValue): re-rendering the form, when an event is ticked or an error
// shown, must not reset what the user typed.
const SCOPES = [["ALL", "all my jobs"], ["TAGS", "jobs with these tags"], ["JOBS", "chosen jobs"]];
const words = (name) => name.toLowerCase().replace("_", " ");
const RULE = `id name events scope tags jobs { id name } minConsecutiveFailures throttleSeconds
  titleTemplate bodyTemplate enabled urls`;
const QUERY = `{ notificationRules(first: 100) { edges { node { ${RULE} } } }
  notificationDeliveries(first: 50) { edges { node { id event status attempts lastError occurredAt sentAt
    rule { name } run { id job { name } } } } } }`;

function RuleForm({ rule, onSaved, onCancel }) {
  const [errors, setErrors] = useState({});
  const [events, setEvents] = useState(rule ? rule.events : ["FAILED"]);
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    const urls = String(form.get("urls") || "").split(/\s+/).filter(Boolean);
    const input = {
      name: form.get("name"), events, scope: form.get("scope"),
      tags: String(form.get("tags") || "").split(",").map((t) => t.trim()).filter(Boolean),
      // At least 1: the first failure (the server refuses 0).
      minConsecutiveFailures: Number(form.get("minConsecutiveFailures") || 1),
      throttleSeconds: Number(form.get("throttleSeconds") || 0),
      enabled: form.get("enabled") === "on",
    };
    // A new rule left without templates takes the server's default title and body.
    for (const name of ["titleTemplate", "bodyTemplate"]) {
      if (rule || form.get(name)) input[name] = form.get(name);
    }
    if (urls.length || !rule) input.urls = urls; // write-only: left out, the stored URLs stay
    try {
      const mutation = rule
        ? `mutation Save($id: ID!, $input: NotificationRuleInput!) { saved: updateNotificationRule(id: $id, input: $input) { __typename ... on NotificationRule { id } ${OPERATION_INFO} } }`
        : `mutation Save($input: NotificationRuleInput!) { saved: createNotificationRule(input: $input) { __typename ... on NotificationRule { id } ${OPERATION_INFO} } }`;
      const data = await gql(mutation, rule ? { id: rule.id, input } : { input });
      ok(data.saved);
      onSaved();
    } catch (exc) {
      setErrors(fieldErrors(exc));
    }
  }
  const toggle = (name) => (e) => setEvents(e.target.checked ? [...events, name] : events.filter((x) => x !== name));
  return html`<form class="editor" onSubmit=${submit} aria-label=${rule ? `Edit ${rule.name}` : "New rule"}>
    <${ErrorNote} error=${errors[""] ? { message: errors[""] } : null} />
    <${Field} label="Name" name="name" errors=${errors}><input name="name" defaultValue=${rule ? rule.name : ""} required /><//>
    <${Field} label="Apprise URLs" name="urls" errors=${errors} hint=${rule ? `stored: ${rule.urls.join(" ")}; leave empty to keep them` : "one per line, e.g. mailto://… or json://…"}>
      <textarea name="urls" autocomplete="off" /><//>
    <fieldset><legend>Events</legend>${EVENTS.map((name) => html`<label class="inline"><input type="checkbox" checked=${events.includes(name)} onChange=${toggle(name)} /> ${words(name)}</label>`)}
      ${errors.events ? html`<small class="error" role="alert">${errors.events}</small>` : null}</fieldset>
    <${Field} label="Scope" name="scope" errors=${errors}><select name="scope">
      ${SCOPES.map(([value, words]) => html`<option value=${value} selected=${(rule ? rule.scope : "ALL") === value}>${words}</option>`)}</select><//>
    <${Field} label="Tags" name="tags" errors=${errors} hint="comma-separated, for the tags scope"><input name="tags" defaultValue=${rule ? rule.tags.join(", ") : ""} /><//>
    <${Field} label="After N consecutive failures" name="minConsecutiveFailures" errors=${errors}><input name="minConsecutiveFailures" type="number" min="1" defaultValue=${rule ? rule.minConsecutiveFailures : 1} /><//>
    <${Field} label="Throttle (s)" name="throttleSeconds" errors=${errors} hint="at most one message per job in this window"><input name="throttleSeconds" type="number" min="0" defaultValue=${rule ? rule.throttleSeconds : 0} /><//>
    <${Field} label="Title template" name="titleTemplate" errors=${errors}><input name="titleTemplate" defaultValue=${rule ? rule.titleTemplate : ""} /><//>
    <${Field} label="Body template" name="bodyTemplate" errors=${errors}><textarea name="bodyTemplate" defaultValue=${rule ? rule.bodyTemplate : ""} /><//>
    <${Field} label="Enabled" name="enabled" errors=${errors}><input name="enabled" type="checkbox" defaultChecked=${rule ? rule.enabled : true} /><//>
    <div class="toolbar"><button type="submit">Save rule</button> <button type="button" onClick=${onCancel}>Cancel</button></div>
  </form>`;
}

export function Notifications() {
  const [data, setData] = useState(null);
  const [editing, setEditing] = useState(undefined); // undefined: none, null: a new rule
  const [tests, setTests] = useState({});
  const [error, setError] = useState(null);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const load = () => gql(QUERY).then(setData).catch(setError);
  useEffect(() => {
    load();
  }, []);

  async function test(rule) {
    const answer = await gql(
      `mutation Test($id: ID!) { testNotificationRule(id: $id) { __typename ... on NotificationTestResult { ok error } ${OPERATION_INFO} } }`,
      { id: rule.id },
    );
    const result = ok(answer.testNotificationRule);
    setTests({ ...tests, [rule.id]: result.ok ? "sent" : `failed: ${result.error}` });
  }
  async function remove(rule) {
    const answer = await gql(`mutation Delete($id: ID!) { deleteNotificationRule(id: $id) { __typename ${OPERATION_INFO} } }`, { id: rule.id });
    ok(answer.deleteNotificationRule);
    load();
  }
  async function setEnabled(rule, enabled) {
    const answer = await gql(
      `mutation Enable($id: ID!, $input: NotificationRuleInput!) { updateNotificationRule(id: $id, input: $input) { __typename ${OPERATION_INFO} } }`,
      { id: rule.id, input: { enabled } },
    );
    ok(answer.updateNotificationRule);
    load();
  }
  const saved = () => {
    setEditing(undefined);
    load();
  };

  if (error) return html`<${ErrorNote} error=${error} />`;
  if (!data) return html`<p class="loading">Loading rules…</p>`;
  const rules = data.notificationRules.edges.map((e) => e.node);
  const deliveries = data.notificationDeliveries.edges.map((e) => e.node);
  return html`<section aria-labelledby="rules-title">
    <div class="heading"><h1 id="rules-title">Notification rules</h1>
      <button type="button" onClick=${() => setEditing(null)}>New rule</button></div>
    ${editing === null ? html`<${RuleForm} rule=${null} onSaved=${saved} onCancel=${() => setEditing(undefined)} />` : null}
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Rule</th><th scope="col">Events</th><th scope="col">Scope</th><th scope="col">URLs (masked)</th><th scope="col">Enabled</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>${rules.map((rule) => html`<tr key=${rule.id}>
        <th scope="row">${rule.name}</th><td>${rule.events.map(words).join(", ")}</td>
        <td>${words(rule.scope)}${rule.scope === "TAGS" ? `: ${rule.tags.join(", ")}` : ""}${rule.scope === "JOBS" ? `: ${rule.jobs.map((j) => j.name).join(", ")}` : ""}</td>
        <td><code>${rule.urls.join(" ")}</code></td>
        <td><input type="checkbox" aria-label=${`Enable ${rule.name}`} checked=${rule.enabled} onChange=${(e) => setEnabled(rule, e.target.checked).catch(setError)} /></td>
        <td class="actions"><button type="button" onClick=${() => setEditing(rule)}>Edit</button>
          <${ActionButton} action=${() => test(rule)}>Send a test<//> ${tests[rule.id] || ""}
          <${ActionButton} className="danger" action=${() => remove(rule)} confirmText=${`Delete ${rule.name}?`}>Delete<//></td>
      </tr>`)}</tbody>
    </table></div>
    ${editing ? html`<h2>Edit ${editing.name}</h2><${RuleForm} rule=${editing} onSaved=${saved} onCancel=${() => setEditing(undefined)} />` : null}
    <h2>Deliveries</h2>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">When</th><th scope="col">Rule</th><th scope="col">Event</th><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Error</th></tr></thead>
      <tbody>${deliveries.map((d) => html`<tr key=${d.id}>
        <td>${when(d.occurredAt, zone)}</td><td>${d.rule.name}</td><td>${d.event}</td>
        <td>${d.run ? html`<a href=${`#/runs/${d.run.id}`}>${d.run.job.name}</a>` : "—"}</td>
        <td><span class=${`status ${d.status === "SENT" ? "ok" : d.status === "FAILED" ? "bad" : "busy"}`}>${d.status.toLowerCase()}</span></td>
        <td class="num">${d.attempts}</td><td>${d.lastError}</td></tr>`)}</tbody>
    </table></div>
  </section>`;
}
