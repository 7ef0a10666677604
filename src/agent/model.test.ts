import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  centralCopyCurrent,
  dueThroughCut,
  fairShare,
  heldSites,
  holdBackMs,
  keptThroughCut,
  type LeaseView,
  rendezvousPick,
  sitesToYield,
  sweepTooSoon,
  YIELD_MS,
} from './model.js';

/** Agents' names as `--name` takes them, a few of them, distinct. */
const names = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/), { minLength: 1, maxLength: 7 });
const siteCodes = fc.uniqueArray(fc.stringMatching(/^[A-Z]{2}[0-9]$/), { minLength: 1, maxLength: 6 });

/** Agents that each serve some of the sites (at least one), all seen live by each other before the cut. */
const fleets = fc
  .tuple(names, siteCodes)
  .chain(([agents, sites]) =>
    fc.tuple(
      fc.constant(sites),
      fc.tuple(
        ...agents.map((agent) =>
          fc.subarray(sites, { minLength: 1 }).map((served) => ({ agent, sites: served })),
        ),
      ),
    ),
  );

/** What each agent keeps when every agent is cut at once, each knowing the others as `sharersOf` says. */
const fullOutage = (
  agents: readonly { agent: string; sites: string[] }[],
  sharersOf: (me: string) => { agent: string; sites: string[] }[],
) =>
  agents.map((a) => ({
    agent: a.agent,
    // Every agent served its sites lately: the leases went round.
    ...keptThroughCut(a.agent, a.sites, a.sites, sharersOf(a.agent)),
  }));

describe('who goes on sweeping a site through a cut', () => {
  it('keeps the sites no other live agent serves, and of the shared ones those it wins by rendezvous', () => {
    const sharers = [
      { agent: 'b', sites: ['NA1', 'XX1'] },
      { agent: 'c', sites: ['NA1'] },
    ];
    const r = keptThroughCut('a', ['NA1', 'KZ1', 'SG1', 'US2'], ['NA1', 'KZ1', 'SG1'], sharers);
    const winner = rendezvousPick('NA1', ['a', 'b', 'c'])!;
    expect(r.kept.filter((k) => k.sharedWith.length === 0).map((k) => k.site)).toEqual(['KZ1', 'SG1']);
    if (winner === 'a') {
      expect(r.kept).toContainEqual({ site: 'NA1', sharedWith: ['b', 'c'] });
      expect(r.left).toEqual([]);
    } else expect(r.left).toEqual([{ site: 'NA1', to: winner }]);
    // Each of the three, cut with the same knowledge, agrees on the one.
    for (const me of ['a', 'b', 'c']) {
      const others = [{ agent: 'a', sites: ['NA1'] }, ...sharers].filter((o) => o.agent !== me);
      const mine = keptThroughCut(me, ['NA1'], [], others);
      expect(mine.kept.length === 1, me).toBe(me === winner);
    }
  });

  it('keeps a site it serves alone only if it served it lately', () => {
    expect(keptThroughCut('a', ['NA1', 'KZ1'], ['NA1'], [])).toEqual({
      kept: [{ site: 'NA1', sharedWith: [] }],
      left: [],
    });
  });

  it('the pick does not hang on the order the sharers come in, nor move when an agent that lost leaves', () => {
    const permuted = names.chain((agents) =>
      fc.tuple(
        fc.constant(agents),
        fc.shuffledSubarray(agents, { minLength: agents.length, maxLength: agents.length }),
      ),
    );
    fc.assert(
      fc.property(permuted, siteCodes, ([agents, shuffled], sites) => {
        for (const site of sites) {
          const pick = rendezvousPick(site, agents)!;
          expect(rendezvousPick(site, shuffled)).toBe(pick);
          const loser = agents.find((a) => a !== pick);
          if (loser)
            expect(
              rendezvousPick(
                site,
                agents.filter((a) => a !== loser),
              ),
            ).toBe(pick);
        }
      }),
    );
  });

  it('with every agent cut at once and the sharers known alike, each site is swept by exactly one agent', () => {
    fc.assert(
      fc.property(fleets, ([sites, agents]) => {
        const kept = fullOutage(agents, (me) =>
          agents.filter(
            (o) =>
              o.agent !== me && o.sites.some((s) => agents.find((a) => a.agent === me)!.sites.includes(s)),
          ),
        );
        for (const site of sites) {
          const servers = agents.filter((a) => a.sites.includes(site)).map((a) => a.agent);
          const sweepers = kept.filter((k) => k.kept.some((x) => x.site === site)).map((k) => k.agent);
          expect(sweepers).toHaveLength(servers.length === 0 ? 0 : 1);
          // Whoever leaves it names the one that keeps it.
          for (const k of kept)
            for (const l of k.left.filter((x) => x.site === site)) expect(sweepers).toEqual([l.to]);
        }
      }),
    );
  });

  it('with every agent cut and each knowing only some of the others, no site is left unswept', () => {
    fc.assert(
      fc.property(fleets, fc.infiniteStream(fc.boolean()), ([sites, agents], seen) => {
        const knows = new Map(
          agents.map((a) => [a.agent, agents.filter((o) => o.agent !== a.agent && seen.next().value)]),
        );
        const kept = fullOutage(agents, (me) => knows.get(me)!);
        for (const site of sites.filter((s) => agents.some((a) => a.sites.includes(s))))
          expect(
            kept.some((k) => k.kept.some((x) => x.site === site)),
            site,
          ).toBe(true);
      }),
    );
  });

  it('spreads the shared sites over the agents sharing them', () => {
    const sites = Array.from({ length: 300 }, (_, i) => `S${i}`);
    const counts = new Map<string, number>();
    for (const site of sites) {
      const pick = rendezvousPick(site, ['a1', 'a2', 'a3'])!;
      counts.set(pick, (counts.get(pick) ?? 0) + 1);
    }
    // 100 each expected; a hash that favoured one agent would give it the lot.
    for (const agent of ['a1', 'a2', 'a3']) expect(counts.get(agent)).toBeGreaterThan(60);
  });
});

describe("when an agent reads a site's machines from the central copy again", () => {
  it('once its own parts of the site are home, whatever parts of other sites its spool still holds', () => {
    // A standby agent back from a long outage: parts 1-400 of the site it kept through the cut
    // (swept off lease) replay; the site another agent swept meanwhile it spooled nothing of.
    const forwarded = 120;
    expect(centralCopyCurrent(undefined, forwarded)).toBe(true);
    expect(centralCopyCurrent(undefined, 0)).toBe(true);
    // The kept site: its own copy is newer until its last part is home.
    expect(centralCopyCurrent(400, forwarded)).toBe(false);
    expect(centralCopyCurrent(400, 400)).toBe(true);
  });
});

describe('when a site kept through a cut is due', () => {
  it('an interval after the last sweep this agent started, and not before its first moment', () => {
    expect(dueThroughCut(10_000, undefined, 10_000, 5_000)).toBe(true);
    expect(dueThroughCut(9_999, undefined, 10_000, 5_000)).toBe(false);
    expect(dueThroughCut(14_000, 10_000, 0, 5_000)).toBe(false);
    expect(dueThroughCut(15_000, 10_000, 0, 5_000)).toBe(true);
    expect(dueThroughCut(15_000, 10_000, 20_000, 5_000)).toBe(false);
  });
});

/** Agents that all serve the same sites (`agent --all`), each site held by one of them, as `owner` picks. */
const sharedFleets = fc
  .tuple(names, siteCodes)
  .chain(([agents, sites]) =>
    fc.tuple(
      fc.constant(agents),
      fc.constant(sites),
      fc.array(fc.nat(agents.length - 1), { minLength: sites.length, maxLength: sites.length }),
    ),
  )
  .map(([agents, sites, owner]) => ({
    agents,
    sites,
    holder: new Map(sites.map((s, i) => [s, agents[owner[i]!]!])),
  }));

/** What `me` knows of a fleet where every agent serves every site and sees every other live. */
const viewOf = (
  agents: readonly string[],
  sites: readonly string[],
  holder: ReadonlyMap<string, string>,
  me: string,
): LeaseView => ({
  me,
  sites,
  held: sites.filter((s) => holder.get(s) === me),
  sharers: agents.filter((a) => a !== me).map((agent) => ({ agent, sites })),
});

describe('when a sweep asked for by either source starts', () => {
  /** The sweeps started of those asked for at `asks` (ms, in order), as the agent lets them through. */
  const startedOf = (asks: number[], intervalMs: number) => {
    const started: number[] = [];
    for (const at of asks) if (!sweepTooSoon(at, started.at(-1), intervalMs)) started.push(at);
    return started;
  };

  it('after a reconnect: the sweep kept through the cut, and not the two jobs pg-boss hands out after it', () => {
    // Seen: the cut-keeper's sweep, the expired job's retry and the current interval's job, each
    // ended within a second, with a minute's interval.
    expect(startedOf([100_000, 101_000, 102_100], 60_000)).toEqual([100_000]);
  });

  it('never two within half an interval, and every ask half an interval after the last sweep goes through', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }).map((s) => s * 1000),
        fc.array(fc.integer({ min: 0, max: 600_000 }), { maxLength: 60 }),
        (intervalMs, times) => {
          const asks = [...times].sort((a, b) => a - b);
          const started = startedOf(asks, intervalMs);
          for (let i = 1; i < started.length; i++)
            expect(started[i]! - started[i - 1]!).toBeGreaterThanOrEqual(intervalMs / 2);
          // An ask is turned away only for a sweep started less than half an interval before it.
          for (const at of asks.filter((t) => !started.includes(t)))
            expect(started.some((t) => t <= at && at - t < intervalMs / 2)).toBe(true);
        },
      ),
    );
  });
});

describe('the fair share of sites', () => {
  it('is the fewest sites each agent can hold so that all are held', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.integer({ min: 1, max: 20 }), (sites, agents) => {
        const share = fairShare(sites, agents);
        expect(share * agents).toBeGreaterThanOrEqual(sites);
        expect((share - 1) * agents).toBeLessThan(Math.max(1, sites));
      }),
    );
    expect(fairShare(12, 2)).toBe(6);
    expect(fairShare(12, 5)).toBe(3);
  });
});

describe('which sites an agent holds', () => {
  it('the one under way, and those whose last sweep ended within an interval and a quarter, a hold-back and a look', () => {
    const ended = new Map([
      ['NA1', 100_000],
      ['KZ1', 100_000 - 12_500 - YIELD_MS - 1_000],
      ['SG1', 100_000 - 12_500 - YIELD_MS - 1_001],
    ]);
    expect(heldSites(100_000, new Set(['US2']), ended, 10_000)).toEqual(['KZ1', 'NA1', 'US2']);
  });
});

describe('who lets the others ask first for a site', () => {
  it('an agent holding every site of two hands on half, and holds back from none it keeps', () => {
    const sites = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
    const view: LeaseView = { me: 'a1', sites, held: sites, sharers: [{ agent: 'a2', sites }] };
    const yielded = sitesToYield(view);
    expect(yielded).toHaveLength(3);
    for (const s of sites) expect(holdBackMs(view, s)).toBe(yielded.includes(s) ? YIELD_MS : 0);
    // The other, holding none, asks for every site at once.
    const other: LeaseView = { me: 'a2', sites, held: [], sharers: [{ agent: 'a1', sites }] };
    for (const s of sites) expect(holdBackMs(other, s)).toBe(0);
  });

  it('alone, or on a site no other live agent serves, it never holds back', () => {
    const sites = ['S1', 'S2', 'S3'];
    expect(holdBackMs({ me: 'a1', sites, held: sites, sharers: [] }, 'S1')).toBe(0);
    const view: LeaseView = { me: 'a1', sites, held: sites, sharers: [{ agent: 'a2', sites: ['S9'] }] };
    for (const s of sites) expect(holdBackMs(view, s)).toBe(0);
  });

  it('hands on exactly what it holds over its share, the same sites however its list is ordered', () => {
    fc.assert(
      fc.property(sharedFleets, ({ agents, sites, holder }) => {
        for (const me of agents) {
          const view = viewOf(agents, sites, holder, me);
          const yielded = sitesToYield(view);
          const over = view.held.length - fairShare(sites.length, agents.length);
          expect(yielded).toHaveLength(agents.length > 1 ? Math.max(0, over) : 0);
          for (const s of yielded) expect(view.held).toContain(s);
          expect(sitesToYield({ ...view, held: [...view.held].reverse() }).sort()).toEqual(
            [...yielded].sort(),
          );
        }
      }),
    );
  });

  it('leaves no site with every agent holding back', () => {
    fc.assert(
      fc.property(sharedFleets, ({ agents, sites, holder }) => {
        for (const site of sites)
          expect(
            agents.some((me) => holdBackMs(viewOf(agents, sites, holder, me), site) === 0),
            site,
          ).toBe(true);
      }),
    );
  });

  it('spreads the sites to at most the fair share each within one round, whoever of those asking at once wins', () => {
    fc.assert(
      fc.property(sharedFleets, fc.infiniteStream(fc.nat()), ({ agents, sites, holder }, luck) => {
        const holds = new Map(holder);
        // Each site's next sweep once: it goes to one of the agents that ask at once (pg-boss's pick).
        for (const site of sites) {
          const asking = agents.filter((me) => holdBackMs(viewOf(agents, sites, holds, me), site) === 0);
          holds.set(site, asking[luck.next().value % asking.length]!);
        }
        const share = fairShare(sites.length, agents.length);
        for (const me of agents)
          expect(sites.filter((s) => holds.get(s) === me).length, me).toBeLessThanOrEqual(share);
      }),
    );
  });
});
