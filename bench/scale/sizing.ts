/**
 * The README's sizing for a fleet, derived from the scale bench's figures, the arithmetic spelled
 * out. The figures that carry to other hardware are CPU seconds per poll and per reading (what a
 * core of an agent host, or of the database, must afford); polls per second on this 2-core machine
 * are bounded by every process sharing its cores, the simulated miners included.
 */

export interface Measured {
  /** Polls per second one agent made alone here. */
  onePollsPerSecond: number;
  /** CPU seconds an agent spent per poll (polling, judging, spooling, forwarding). */
  agentCpuPerPoll: number;
  /**
   * CPU seconds the fleet's own sweep spent per poll on the same miners at the same load: what a
   * poll costs here and now, so that the agent's figure reads as a multiple of it on a busy machine.
   */
  centralCpuPerPoll: number;
  /** CPU seconds the local NATS server spent per poll (the spool, on the agent's host). */
  natsCpuPerPoll: number;
  /** CPU seconds the database's backends spent per reading written. */
  databaseCpuPerReading: number;
  /** The longest lease take-over seen after a kill -9, seconds. */
  takeOverSeconds: number;
}

export interface Target {
  machines: number;
  intervalSeconds: number;
  /** Share of a core kept busy in steady state: room for slow miners, GC, a dead peer's sites. */
  utilisation: number;
}

export const MILLION: Target = { machines: 1_000_000, intervalSeconds: 60, utilisation: 0.6 };

const f = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The sizing, line by line, each with the sum behind it. */
export function sizing(m: Measured, t: Target = MILLION): string[] {
  if (!(m.agentCpuPerPoll > 0 && Number.isFinite(m.agentCpuPerPoll) && Number.isFinite(m.takeOverSeconds)))
    return [
      `sizing: not derived: this run measured ${Number.isFinite(m.takeOverSeconds) ? 'no polls' : 'no take-over'} (a longer --window or a quieter machine)`,
    ];
  const rate = t.machines / t.intervalSeconds;
  const perAgentCore = 1 / m.agentCpuPerPoll;
  const agents = Math.ceil(rate / (perAgentCore * t.utilisation)) + 1;
  const hostCores = ((m.agentCpuPerPoll + m.natsCpuPerPoll) * (rate / (agents - 1))) / t.utilisation;
  const dbCores = (rate * m.databaseCpuPerReading) / t.utilisation;
  const sweepBudget = t.intervalSeconds - m.takeOverSeconds;
  // The agent that takes a dead one's site over sweeps it with the capacity it kept spare.
  const spare = perAgentCore * (1 - t.utilisation);
  const siteMax = spare * Math.max(0, sweepBudget);
  return [
    `sizing for ${f(t.machines)} machines every ${t.intervalSeconds} s, 99% of readings at most two polls old:`,
    `  polls needed: ${f(t.machines)} / ${t.intervalSeconds} s = ${f(rate)} polls/s, each one reading written`,
    `  CPU a poll of an agent ${f(m.agentCpuPerPoll * 1e6, 1)} µs = ${f(m.agentCpuPerPoll / m.centralCpuPerPoll, 2)}× the fleet's own sweep here (${f(m.centralCpuPerPoll * 1e6, 1)} µs): on a busier machine both grow, and every figure below with them`,
    `  one agent process is one Node thread: 1 / ${f(m.agentCpuPerPoll * 1e6, 1)} µs CPU a poll = ${f(perAgentCore)} polls/s on a core of its own (here, sharing 2 cores with everything: ${f(m.onePollsPerSecond)})`,
    `  agents: ${f(rate)} / (${f(perAgentCore)} × ${t.utilisation} kept busy) = ${f(rate / (perAgentCore * t.utilisation), 1)} → ${agents - 1}, + 1 spare so that a dead agent's sites fit on the others: ${agents} agents`,
    `  each agent host: (${f(m.agentCpuPerPoll * 1e6, 1)} µs agent + ${f(m.natsCpuPerPoll * 1e6, 1)} µs NATS spool) × ${f(rate / (agents - 1))} polls/s / ${t.utilisation} = ${f(hostCores, 1)} cores → ${Math.ceil(hostCores) + 1} cores with the OS`,
    `  database: ${f(rate)} readings/s × ${f(m.databaseCpuPerReading * 1e6, 1)} µs backend CPU each / ${t.utilisation} = ${f(dbCores, 1)} cores (backends only: WAL writer, checkpoints and autovacuum come on top)`,
    `  freshness: in steady state every site is swept within its interval (readings at most one poll old); a reading grows two polls old only when its agent dies just before polling it: its site waits the take-over (${f(m.takeOverSeconds, 1)} s measured) and then a sweep by an agent with ${f(spare)} polls/s spare (${f(perAgentCore)} × ${f(1 - t.utilisation, 1)}), which must end within ${t.intervalSeconds} − ${f(m.takeOverSeconds, 1)} = ${f(sweepBudget, 1)} s:`,
    sweepBudget > 0
      ? `    sites of at most ${f(siteMax)} machines (${f(spare)} × ${f(sweepBudget, 1)} s); then only a death touches freshness, on 1/${agents - 1} of the fleet for at most one interval: 1% of readings two polls old would take a death every ${f((100 * t.intervalSeconds) / (agents - 1))} s (100 × ${t.intervalSeconds} s / ${agents - 1})`
      : `    no site size meets it: the lease (take-over) must be shorter than the interval`,
  ];
}
