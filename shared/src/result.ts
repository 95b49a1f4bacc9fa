// The one shape of "a value, or why not" for checks and parses whose failure is an ordinary
// outcome, not an exception: `F` names what a failure carries (validation issues, a refusal
// reason, an HTTP answer), so callers narrow on `ok` and read `value` the same way everywhere.
export type Result<T, F extends object> = { ok: true; value: T } | ({ ok: false } & F);
