// What a tag named within one run: the first definite answer for `registry/repository:tag` is the
// answer every later read of it in the run gets, so the verifier and the policy see one manifest per
// tag (docs/security.md, "One answer per tag"). Failures are not answers and are not kept. Bounded:
// by entries and by bytes, the least recently read answer out first; an answer too big to keep is
// given to its readers and read again next time, as every tag was before.

export interface TagAnswerLimits {
  /** Answers kept at once (a 404 costs an entry, no bytes). */
  entries: number;
  /** Total bytes of kept answers. */
  bytes: number;
  /** The largest answer kept. */
  entryBytes: number;
}

interface Entry<T> {
  answer: Promise<T>;
  bytes: number;
}

export class TagAnswers<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly limits: TagAnswerLimits;
  private bytes = 0;

  constructor(limits: TagAnswerLimits) {
    this.limits = limits;
  }

  /**
   * The answer kept for `key`, else `ask()`'s, shared with every reader while in flight and kept when
   * it resolves (`sizeOf` its bytes); a rejection is dropped, so the next reader asks again.
   */
  get(key: string, ask: () => Promise<T>, sizeOf: (answer: T) => number): Promise<T> {
    const kept = this.entries.get(key);
    if (kept) {
      // Most recently read goes last: the oldest in the map is the first out.
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept.answer;
    }
    const entry: Entry<T> = { answer: ask(), bytes: 0 };
    this.entries.set(key, entry);
    this.trim();
    entry.answer.then(
      (answer) => {
        if (this.entries.get(key) !== entry) return;
        const bytes = sizeOf(answer);
        if (bytes > this.limits.entryBytes) return this.remove(key);
        entry.bytes = bytes;
        this.bytes += bytes;
        this.trim();
      },
      () => {
        if (this.entries.get(key) === entry) this.remove(key);
      },
    );
    return entry.answer;
  }

  /** Forgets `key` (vouch wrote the tag): the next read asks the registry. */
  forget(key: string): void {
    this.remove(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private trim(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) return;
      this.remove(key);
    }
  }
}
