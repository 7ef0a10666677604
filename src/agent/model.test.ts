import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueThroughCut, keptThroughCut, rendezvousPick } from './model.js';

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

describe('when a site kept through a cut is due', () => {
  it('an interval after the last sweep this agent started, and not before its first moment', () => {
    expect(dueThroughCut(10_000, undefined, 10_000, 5_000)).toBe(true);
    expect(dueThroughCut(9_999, undefined, 10_000, 5_000)).toBe(false);
    expect(dueThroughCut(14_000, 10_000, 0, 5_000)).toBe(false);
    expect(dueThroughCut(15_000, 10_000, 0, 5_000)).toBe(true);
    expect(dueThroughCut(15_000, 10_000, 20_000, 5_000)).toBe(false);
  });
});
