interface Props {
  /** cursors of the pages before this one (the first page has none) */
  hasPrevious: boolean;
  nextCursor: string | null;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}

/** Previous/next over the API's cursor pages (server-side, so 100,000 jobs page as fast as 100). */
export function Pager({ hasPrevious, nextCursor, onPrevious, onNext }: Props) {
  return (
    <nav class="pager" aria-label="pages">
      <button type="button" disabled={!hasPrevious} onClick={onPrevious}>
        ← Newer
      </button>
      <button type="button" disabled={nextCursor === null} onClick={() => nextCursor !== null && onNext(nextCursor)}>
        Older →
      </button>
    </nav>
  );
}
