/**
 * The quarterly report's service section reads its centres, tickets, turnaround and failure rates
 * as of one moment: a write committed between its reads is in none of them or in all of them.
 */
import { type KyselyPlugin, type RootOperationNode, TableNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp, testConfig } from '../testing/index.js';
import { setCentre } from './centres.js';
import { serviceNetworkSection } from './report-section.js';
import { CentreInput } from './schemas.js';
import { centreInput } from './test-fixtures.js';

/** Whether a statement is a select from `table`. */
function selectsFrom(node: RootOperationNode, table: string): boolean {
  if (node.kind !== 'SelectQueryNode') return false;
  return (node.from?.froms ?? []).some((f) => TableNode.is(f) && f.table.identifier.name === table);
}

/** Runs `between` once, after the first select from `table` has its rows and before its caller sees them. */
function afterFirstRead(table: string, between: () => Promise<unknown>): KyselyPlugin {
  const watched = new WeakSet<object>();
  let done = false;
  return {
    transformQuery(args) {
      if (!done && selectsFrom(args.node, table)) watched.add(args.queryId);
      return args.node;
    },
    async transformResult(args) {
      if (!done && watched.has(args.queryId)) {
        done = true;
        await between();
      }
      return args.result;
    },
  };
}

// On the embedded database a write waits for an open transaction (one connection): it cannot be
// committed between the section's reads while it holds them in one, so the race is staged on the server.
describe.skipIf(testConfig.database.kind !== 'server')('the service section of the report', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
    await setCentre(app, app.actor(), CentreInput.parse(centreInput('SG1', 'SG', 'asia-pacific', 480)));
  });
  afterAll(async () => app?.close());

  it('reads one snapshot: a centre set up after its first read is in none of its figures', async () => {
    const added = afterFirstRead('service_centres', () =>
      setCentre(app, app.actor(), CentreInput.parse(centreInput('US1', 'US', 'north-america', -300))),
    );
    const section = await serviceNetworkSection({ ...app, db: app.db.withPlugin(added) }, '2021Q1');
    if (!section.available) throw new Error('the section is there: a centre is recorded');
    expect({
      centres: section.centres.map((c) => c.id),
      turnaround: section.turnaround.map((c) => c.centreId),
    }).toEqual({ centres: ['SG1'], turnaround: ['SG1'] });
    // The next report sees it everywhere.
    const next = await serviceNetworkSection(app, '2021Q1');
    expect(next.available && next.turnaround.map((c) => c.centreId)).toEqual(['SG1', 'US1']);
  });
});
