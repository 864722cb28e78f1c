// What a tag named within one run: the first definite answer for `registry/repository:tag` is the
// answer every later read of it in the run gets, so the verifier and the policy see one manifest per
// tag (docs/security.md, "One answer per tag"). Failures are not answers and are not kept. Bounded:
// by entries and by bytes, the least recently read answer out first; an answer too big to keep is
// given to its readers and read again next time, and what the tag first named (a digest) stays for
// the run: a later read naming anything else is an error, never a second answer.

export interface TagAnswerLimits {
  /** Answers kept at once (a 404 costs an entry, no bytes). */
  entries: number;
  /** Total bytes of kept answers. */
  bytes: number;
  /** The largest answer kept. */
  entryBytes: number;
}

/** How the store weighs an answer, and what it names (a digest, or none). */
export interface AnswerMeasure<T> {
  sizeOf(answer: T): number;
  nameOf(answer: T): string;
}

interface Entry<T> {
  answer: Promise<T>;
  bytes: number;
}

export class TagAnswers<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** What each key first named in the run: kept when its answer is not (a few bytes each). */
  private readonly named = new Map<string, string>();
  private readonly limits: TagAnswerLimits;
  private readonly measure: AnswerMeasure<T>;
  private bytes = 0;

  constructor(limits: TagAnswerLimits, measure: AnswerMeasure<T>) {
    this.limits = limits;
    this.measure = measure;
  }

  /**
   * The run's answer for `key` (see kept), which must name what the key first named in the run; one
   * that names anything else is dropped and rejected with `moved(first, now)`.
   */
  async get(key: string, ask: () => Promise<T>, moved: (first: string, now: string) => Error): Promise<T> {
    const answer = await this.kept(key, ask);
    const now = this.measure.nameOf(answer);
    const first = this.named.get(key);
    if (first === undefined) this.named.set(key, now);
    else if (first !== now) {
      this.remove(key);
      throw moved(first, now);
    }
    return answer;
  }

  /**
   * The answer kept for `key`, else `ask()`'s, shared with every reader while in flight and kept when
   * it resolves; a rejection is dropped, so the next reader asks again.
   */
  private kept(key: string, ask: () => Promise<T>): Promise<T> {
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
        const bytes = this.measure.sizeOf(answer);
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

  /** Forgets `key` and what it named (vouch wrote the tag): the next read asks the registry. */
  forget(key: string): void {
    this.remove(key);
    this.named.delete(key);
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
