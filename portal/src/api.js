// The v1 API on this origin: a fetch per call with the signed-in person's token. Problems (RFC 9457)
// become ApiError, so every screen can show their title, detail and code the same way.
import { session } from "./auth.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || `HTTP_${status}`;
    this.title = problem.title || "The request failed";
    this.detail = problem.detail || "";
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.requestId = problem.request_id || null;
  }
}

function url(path, query) {
  const target = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") target.searchParams.set(name, String(value));
  }
  return target;
}

async function problemOf(response) {
  try {
    const body = await response.json();
    if (body && typeof body === "object") return body;
  } catch {
    // not JSON: a gateway or proxy page
  }
  return { title: response.statusText || "The request failed", detail: `The server answered ${response.status}.` };
}

async function send(method, path, { query, body, idempotencyKey, accept, headers: extra } = {}, retried = false) {
  const headers = { ...extra, Accept: accept || "application/json" };
  const token = await session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(url(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
    });
  } catch {
    throw new ApiError(0, {
      code: "NETWORK_ERROR",
      title: "The portal cannot reach the API",
      detail: "Check your connection and try again.",
    });
  }
  if (response.status === 401 && token && !retried && (await session.refresh())) {
    return send(method, path, { query, body, idempotencyKey, accept, headers: extra }, true);
  }
  if (!response.ok) {
    const error = new ApiError(response.status, await problemOf(response));
    if (response.status === 401) session.expired(error);
    throw error;
  }
  return response;
}

async function json(method, path, options) {
  const response = await send(method, path, options);
  return response.status === 204 ? null : response.json();
}

export const api = {
  get: (path, query) => json("GET", path, { query }),
  post: (path, body, options = {}) => json("POST", path, { ...options, body }),
  patch: (path, body, options = {}) => json("PATCH", path, { ...options, body }),
  delete: (path) => json("DELETE", path),
  /** A CSV (or other text) answer, read with progress: onProgress(bytesSoFar, totalOrNull). */
  async text(path, query, onProgress) {
    const response = await send("GET", path, { query, accept: "text/csv" });
    const total = Number(response.headers.get("Content-Length")) || null;
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      if (onProgress) onProgress(received, total);
    }
    return new Blob(chunks, { type: response.headers.get("Content-Type") || "text/csv" });
  },
};

/** A fresh Idempotency-Key for one user action: a retry of the same action reuses it. */
export function idempotencyKey() {
  return `portal-${crypto.randomUUID()}`;
}

/**
 * The Idempotency-Key of a form's submission: the same key while the same submission is retried (a lost
 * answer, a 5xx), a new one once the form is edited or the submission has succeeded (done()).
 */
export function submissionKey(form) {
  let key = null;
  form.addEventListener("input", () => {
    key = null;
  });
  return {
    get: () => (key ||= idempotencyKey()),
    done: () => {
      key = null;
    },
  };
}
