// Pool sizes, kept together:
// the smallest pool that routes,
// and the largest one we allow
// before we split it.
export const MIN_POOL = 1;
export const MAX_POOL = 50;

export class Pool {
  private size = 0;

  grow(): void {
    this.size += 1;
  }

  reassign(from: string): number {
    return from.length;
  }
}

export function drain(pool: Pool): void {
  pool.grow();
  pool.reassign("x");
}
