// The app shell: who is logged in, the navigation, the connection state and the routed page.
import { OPERATION_INFO, adminPath, gql, ok, onConnection } from "./api.js";
import { html, render, useEffect, useState } from "./html.js";
import { JobPage } from "./job.js";
import { JobEditor } from "./edit.js";
import { JobsOverview } from "./jobs.js";
import { Notifications } from "./notifications.js";
import { RunPage } from "./run.js";
import { Tokens } from "./tokens.js";
import { ErrorNote } from "./widgets.js";

function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "jobs" && parts[1] === "new") return { page: "edit", id: null };
  if (parts[0] === "jobs" && parts[1] && parts[2] === "edit") return { page: "edit", id: parts[1] };
  if (parts[0] === "jobs" && parts[1]) return { page: "job", id: parts[1] };
  if (parts[0] === "runs" && parts[1]) return { page: "run", id: parts[1] };
  if (parts[0] === "notifications") return { page: "notifications" };
  if (parts[0] === "tokens") return { page: "tokens" };
  return { page: "jobs" };
}

function useRoute() {
  const [route, setRoute] = useState(parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => {
      setRoute(parseRoute(window.location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

function Login({ onLogin }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function submit(event) {
    event.preventDefault();
    const form = new FormData(event.target);
    setBusy(true);
    setError(null);
    try {
      const data = await gql(
        `mutation Login($username: String!, $password: String!) {
          login(username: $username, password: $password) {
            __typename ... on User { id username isStaff } ${OPERATION_INFO} } }`,
        { username: form.get("username"), password: form.get("password") },
      );
      onLogin(ok(data.login));
    } catch (exc) {
      setError(exc);
    } finally {
      setBusy(false);
    }
  }
  return html`<main class="login" id="main">
    <h1>thx-cron</h1>
    <form onSubmit=${submit} aria-label="Log in">
      <label>User name <input name="username" autocomplete="username" required autofocus /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
      <${ErrorNote} error=${error} />
      <button type="submit" disabled=${busy}>Log in</button>
    </form>
  </main>`;
}

function ConnectionState() {
  const [state, setState] = useState("connecting");
  useEffect(() => onConnection(setState), []);
  const words = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…" };
  return html`<span class=${`connection ${state}`} role="status" data-state=${state}>${words[state]}</span>`;
}

function Page({ route, me }) {
  switch (route.page) {
    case "job":
      return html`<${JobPage} id=${route.id} me=${me} />`;
    case "run":
      return html`<${RunPage} id=${route.id} me=${me} />`;
    case "edit":
      return html`<${JobEditor} id=${route.id} me=${me} />`;
    case "notifications":
      return html`<${Notifications} me=${me} />`;
    case "tokens":
      return html`<${Tokens} me=${me} />`;
    default:
      return html`<${JobsOverview} me=${me} />`;
  }
}

function App() {
  const [me, setMe] = useState(undefined);
  const [error, setError] = useState(null);
  const route = useRoute();
  useEffect(() => {
    gql("{ me { id username isStaff } }")
      .then((data) => setMe(data.me))
      .catch((exc) => setError(exc));
  }, []);
  async function logout() {
    try {
      await gql("mutation { logout }");
    } finally {
      window.location.hash = "#/";
      window.location.reload();
    }
  }
  if (error) return html`<main class="login"><${ErrorNote} error=${error} /></main>`;
  if (me === undefined) return html`<p class="loading">Loading…</p>`;
  if (me === null) return html`<${Login} onLogin=${() => window.location.reload()} />`;
  const current = (page) => (route.page === page ? "page" : undefined);
  return html`<a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/">thx-cron</a>
      <nav aria-label="Main">
        <a href="#/" aria-current=${current("jobs")}>Jobs</a>
        <a href="#/notifications" aria-current=${current("notifications")}>Notifications</a>
        <a href="#/tokens" aria-current=${current("tokens")}>API tokens</a>
        <a href=${graphiqlHref()}>GraphiQL</a>
        ${me.isStaff && adminPath ? html`<a href=${adminPath}>Admin</a>` : null}
      </nav>
      <${ConnectionState} />
      <span class="me">${me.username}${me.isStaff ? " (staff)" : ""}</span>
      <button type="button" class="link" onClick=${logout}>Log out</button>
    </header>
    <main id="main" tabindex="-1"><${Page} route=${route} me=${me} /></main>`;
}

function graphiqlHref() {
  return document.getElementById("app").dataset.graphqlPath || "/graphql";
}

render(html`<${App} />`, document.getElementById("app"));
