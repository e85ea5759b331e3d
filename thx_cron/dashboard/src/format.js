// Times, durations and words as the dashboard shows them: every time with its zone.

const formats = new Map();

function formatter(zone, withSeconds) {
  const key = `${zone}|${withSeconds}`;
  if (!formats.has(key)) {
    let tz = zone;
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    } catch {
      tz = "UTC";
    }
    formats.set(
      key,
      new Intl.DateTimeFormat("en-CA", {
        timeZone: tz,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: withSeconds ? "2-digit" : undefined,
        hourCycle: "h23",
        timeZoneName: "short",
      }),
    );
  }
  return formats.get(key);
}

/** "2026-12-01 09:00:03 CET": an instant in `zone`, to the second, with the zone's name. */
export function when(value, zone = "UTC") {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const parts = Object.fromEntries(formatter(zone, true).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

/** "in 3 min", "12 s ago": relative to `now` (milliseconds). */
export function relative(value, now = Date.now()) {
  if (!value) return "—";
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const size = Math.abs(seconds);
  let text;
  if (size < 60) text = `${size} s`;
  else if (size < 3600) text = `${Math.round(size / 60)} min`;
  else if (size < 86400 * 2) text = `${Math.round(size / 3600)} h`;
  else text = `${Math.round(size / 86400)} days`;
  if (size < 1) return "now";
  return seconds > 0 ? `in ${text}` : `${text} ago`;
}

/** "2.7 ms", "1.25 s", "3 min 4 s". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 1) return `${(seconds * 1000).toFixed(seconds < 0.01 ? 1 : 0)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The seconds between two instants, or null. */
export function between(from, to) {
  if (!from || !to) return null;
  return (new Date(to).getTime() - new Date(from).getTime()) / 1000;
}

const WORDS = {
  QUEUED: "queued",
  RUNNING: "running",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  TIMED_OUT: "timed out",
  LOST: "lost",
  SKIPPED: "skipped",
  CANCELLED: "cancelled",
};

/** The word for a run status (an enum value), "never run" for none. */
export function statusWord(status) {
  return status ? WORDS[status] || status.toLowerCase() : "never run";
}

/** The colour class of a status: ok, bad, busy, quiet. */
export function statusTone(status) {
  if (status === "SUCCEEDED") return "ok";
  if (status === "FAILED" || status === "TIMED_OUT" || status === "LOST") return "bad";
  if (status === "QUEUED" || status === "RUNNING") return "busy";
  return "quiet";
}

export const FAILING = new Set(["FAILED", "TIMED_OUT", "LOST"]);

/** The p-th percentile (0-100) of numbers, nearest-rank. */
export function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
