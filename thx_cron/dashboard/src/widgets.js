// Small pieces shared by the pages: status badges, run strips, error notes, action buttons.
import { duration, statusTone, statusWord } from "./format.js";
import { html, useState } from "./html.js";

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message || String(error)}</p>`;
}

export function Status({ status }) {
  return html`<span class=${`status ${statusTone(status)}`} data-status=${status || ""}>${statusWord(status)}</span>`;
}

/** The last runs as small bars, oldest left: colour is the outcome, height the duration. */
export function RunStrip({ runs }) {
  const longest = Math.max(0.001, ...runs.map((r) => r.durationSeconds || 0));
  const ordered = [...runs].reverse();
  return html`<span class="strip" aria-label=${`last ${runs.length} runs`}>
    ${ordered.map(
      (run) => html`<a
        href=${`#/runs/${run.id}`}
        class=${`bar ${statusTone(run.status)}`}
        title=${`${statusWord(run.status)}, ${duration(run.durationSeconds)}`}
        style=${`height:${20 + 80 * ((run.durationSeconds || 0) / longest)}%`}
      ><span class="sr">${statusWord(run.status)}</span></a>`,
    )}
  </span>`;
}

/** A button that runs `action` and shows its failure beside it (never silently). */
export function ActionButton({ action, children, label, className = "", confirmText = null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function click() {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (exc) {
      setError(exc);
    } finally {
      setBusy(false);
    }
  }
  return html`<span class="action">
    <button type="button" class=${className} onClick=${click} disabled=${busy} aria-label=${label}>${children}</button>
    ${error ? html`<span class="error" role="alert">${error.message}</span>` : null}
  </span>`;
}

export function Field({ label, name, errors, children, hint }) {
  const error = errors && errors[name];
  return html`<div class=${`field${error ? " invalid" : ""}`} data-field=${name}>
    <label>${label} ${children}</label>
    ${hint ? html`<small class="hint">${hint}</small>` : null}
    ${error ? html`<small class="error" role="alert">${error}</small>` : null}
  </div>`;
}

/** The messages of an ApiError keyed by the field they name (or "" for the form). */
export function fieldErrors(exc) {
  const errors = {};
  for (const message of exc.messages || []) {
    const key = message.field || "";
    errors[key] = errors[key] ? `${errors[key]} ${message.message}` : message.message;
  }
  if (!exc.messages || !exc.messages.length) errors[""] = exc.message;
  return errors;
}
