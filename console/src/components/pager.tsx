// Continuation-token paging: the API pages forward only, so "previous" replays the tokens seen.
import { useState } from 'preact/hooks';

export interface PagerState {
  token: string | undefined;
  page: number;
  next: (token: string) => void;
  previous: () => void;
  reset: () => void;
}

export function usePager(): PagerState {
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  return {
    token: tokens[tokens.length - 1],
    page: tokens.length,
    next: (token) => setTokens((list) => [...list, token]),
    previous: () => setTokens((list) => (list.length > 1 ? list.slice(0, -1) : list)),
    reset: () => setTokens([undefined]),
  };
}

export function Pager({ pager, next }: { pager: PagerState; next: string | undefined }) {
  if (pager.page === 1 && !next) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" class="small" disabled={pager.page === 1} onClick={pager.previous}>
        ← Previous
      </button>
      <span>Page {pager.page}</span>
      <button type="button" class="small" disabled={!next} onClick={() => next && pager.next(next)}>
        Next →
      </button>
    </nav>
  );
}
