import { Agent } from "./types";

// Added after the doc was written: five lines pushed
// everything below down.
export const MAX_POOL = 50;
export const MIN_POOL = 1;

export class Pool {
  private agents: Agent[] = [];

  add(agent: Agent): void {
    this.agents.push(agent);
  }

  reassign(from: string): number {
    let moved = 0;
    for (const a of this.agents) {
      if (a.id !== from) {
        moved += 1;
      }
    }
    return moved;
  }
}

export function pickAgent(pool: Pool): string | null {
  return null;
}
