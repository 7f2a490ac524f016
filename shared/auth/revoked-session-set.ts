// The in-process view of revoked sessions: session id -> when its access tokens have all
// expired. Bounded by entriesMax; when a revocation cannot be kept because the set is full,
// the set says so (`overflowed`) and the caller must ask Postgres on a miss until a reload
// fits again. So the bound costs speed, never correctness. Entries are never removed before
// their expiry: a revocation is permanent for as long as it matters.

export class RevokedSessionSet {
  private readonly expiresAtMsBySession = new Map<string, number>();
  private overflow = false;

  constructor(
    private readonly entriesMax: number,
    private readonly nowMs: () => number,
  ) {
    if (!Number.isSafeInteger(entriesMax) || entriesMax < 1) {
      throw new RangeError('entriesMax must be a positive integer');
    }
  }

  get size(): number {
    return this.expiresAtMsBySession.size;
  }

  /** True once an addition was dropped for lack of room; cleared by clearOverflow(). */
  get overflowed(): boolean {
    return this.overflow;
  }

  has(sessionId: string): boolean {
    const expiresAtMs = this.expiresAtMsBySession.get(sessionId);
    return expiresAtMs !== undefined && expiresAtMs > this.nowMs();
  }

  add(sessionId: string, expiresAtMs: number): void {
    if (expiresAtMs <= this.nowMs()) return;
    const known = this.expiresAtMsBySession.get(sessionId);
    if (known !== undefined) {
      this.expiresAtMsBySession.set(sessionId, Math.max(known, expiresAtMs));
      return;
    }
    if (this.expiresAtMsBySession.size >= this.entriesMax) this.pruneExpired();
    if (this.expiresAtMsBySession.size >= this.entriesMax) {
      this.overflow = true;
      return;
    }
    this.expiresAtMsBySession.set(sessionId, expiresAtMs);
  }

  /** Drops expired entries; one pass over at most entriesMax entries. */
  pruneExpired(): void {
    const nowMs = this.nowMs();
    for (const [sessionId, expiresAtMs] of this.expiresAtMsBySession) {
      if (expiresAtMs <= nowMs) this.expiresAtMsBySession.delete(sessionId);
    }
  }

  /** Called before a full reload from Postgres, which restores anything dropped. */
  clearOverflow(): void {
    this.overflow = false;
  }
}
