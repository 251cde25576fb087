// Secrets must not become label values: a scrape URL with credentials, an
// Authorization header copied into a label, an API key in a query string.
// Applied once per series at ingest; most values are short and plain, so a
// cheap first check skips them before any regex runs.

export const REDACTED = '<redacted>';

// scheme://user:password@host → scheme://user:<redacted>@host
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s/@]+@/gi;
// "Bearer xxx", "Basic xxx", "token xxx"
const AUTH_SCHEME = /\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
// key=value pairs whose key names a secret (query strings, DSNs)
const SECRET_PARAM =
  /\b((?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|secret|password|passwd|pwd|client[_-]?secret|sig|signature)=)[^&\s;,]+/gi;
// Vendor key shapes: GitHub, GitLab, Slack, Stripe-/OpenAI-style sk-, AWS access key ids, Google API keys.
const KEY_SHAPES =
  /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|sk-[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35})\b/g;
// JSON Web Tokens: three base64url parts, the first two starting with '{"' encoded.
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;

/** What any of the shapes above needs somewhere in the value; most label values have none of it. */
const TRIGGER = /[@=\s]|gh[pousr]_|github_pat_|glpat-|xox[abpr]-|_(?:live|test)_|sk-|AKIA|AIza|eyJ/;

/** The value with any secret replaced by `<redacted>`; the same string when there is none. */
export function redactValue(v: string): string {
  if (v.length < 8 || !TRIGGER.test(v)) return v;
  return v
    .replace(URL_CREDENTIALS, `$1:${REDACTED}@`)
    .replace(AUTH_SCHEME, `$1$2${REDACTED}`)
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(KEY_SHAPES, REDACTED)
    .replace(JWT, REDACTED);
}
