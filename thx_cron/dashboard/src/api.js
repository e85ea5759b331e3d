// The dashboard's only way to the server: GraphQL over HTTP POST, and the jobLogEvents
// subscription over graphql-transport-ws through the graphql-ws client.
import { createClient } from "graphql-ws";

const root = document.getElementById("app");
export const graphqlPath = root.dataset.graphqlPath || "/graphql";
export const adminPath = root.dataset.adminPath || "";

/** A failed query or mutation; `field` names the input it concerns, when the server said so. */
export class ApiError extends Error {
  constructor(message, field = null, messages = []) {
    super(message);
    this.field = field;
    this.messages = messages;
  }
}

/** Run a query or mutation and return its data; throw ApiError with the server's message. */
export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch(graphqlPath, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError(`The server cannot be reached (${error.message}).`);
  }
  let answer;
  try {
    answer = await response.json();
  } catch {
    throw new ApiError(`The server answered ${response.status} ${response.statusText}.`);
  }
  if (answer.errors && answer.errors.length) {
    throw new ApiError(answer.errors.map((e) => e.message).join(" "));
  }
  return answer.data;
}

/** Return `payload` unless it is an OperationInfo, which is thrown as an ApiError. */
export function ok(payload) {
  if (payload && payload.__typename === "OperationInfo") {
    const messages = payload.messages || [];
    const first = messages[0] || {};
    throw new ApiError(
      messages.map((m) => (m.field ? `${m.field}: ${m.message}` : m.message)).join(" ") ||
        "The operation failed.",
      first.field || null,
      messages,
    );
  }
  return payload;
}

export const OPERATION_INFO = "... on OperationInfo { messages { field message kind } }";

/** The number inside a Relay id ("Job:12" in base64), for ordering events. */
export function idNumber(id) {
  try {
    return Number(atob(id).split(":").pop()) || 0;
  } catch {
    return Number(id) || 0;
  }
}

function socketUrl() {
  const url = new URL(graphqlPath, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

const EVENT_FIELDS = `id kind occurredAt data job { id nextRunAt enabled }
  log { id status trigger scheduledFor queuedAt startedAt finishedAt durationSeconds }`;

let client = null;
const listeners = new Set();
const connectionListeners = new Set();
let connection = "connecting";

function setConnection(state) {
  connection = state;
  for (const listener of connectionListeners) listener(state);
}

/** Follow the connection's state ("connecting", "live", "reconnecting"); return an unsubscribe. */
export function onConnection(listener) {
  connectionListeners.add(listener);
  listener(connection);
  return () => connectionListeners.delete(listener);
}

function ensureClient() {
  if (client) return client;
  client = createClient({
    url: socketUrl(),
    lazy: false,
    keepAlive: 10000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5000)));
    },
    on: {
      connected: () => setConnection("live"),
      closed: () => setConnection("reconnecting"),
    },
  });
  return client;
}

/**
 * Subscribe to the run events of every visible job (or of `jobId`), starting after `afterEventId`.
 * The client re-sends the same payload when it reconnects; the payload's afterEventId is kept at
 * the last event seen, so a reconnect resumes where the page was and misses nothing.
 */
export function subscribeEvents({ jobId = null, afterEventId = null }, onEvent) {
  const variables = { jobId, afterEventId };
  const payload = {
    query: `subscription Events($jobId: ID, $afterEventId: ID) {
      jobLogEvents(jobId: $jobId, afterEventId: $afterEventId) { ${EVENT_FIELDS} } }`,
    variables,
  };
  let last = afterEventId ? idNumber(afterEventId) : 0;
  const dispose = ensureClient().subscribe(payload, {
    next: ({ data, errors }) => {
      if (errors) {
        console.warn("subscription error", errors);
        return;
      }
      const event = data.jobLogEvents;
      const number = idNumber(event.id);
      if (number <= last) return; // already seen before a reconnect
      last = number;
      variables.afterEventId = event.id;
      onEvent(event);
    },
    error: (error) => console.warn("subscription ended", error),
    complete: () => {},
  });
  listeners.add(dispose);
  return () => {
    listeners.delete(dispose);
    dispose();
  };
}

/** The id of the latest event the caller may see, to subscribe from "now" without a gap. */
export async function latestEventId() {
  const data = await gql("{ latestEventId }");
  return data.latestEventId;
}
