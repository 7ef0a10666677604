import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseId, parseInput, pickOptions } from '../cli/input.js';
import { table } from '../cli/table.js';
import { RULE_KINDS } from './model.js';
import { AcknowledgeBody, AlertQuery, RuleChange, RuleKindParam, WebhookBody } from './schemas.js';
import {
  acknowledge,
  addWebhook,
  changeRule,
  evaluateLatest,
  listAlerts,
  listRules,
  listWebhooks,
  removeWebhook,
} from './service.js';

export function registerAlertsCommands(program: Command): void {
  const alerts = program.command('alerts').description('Fleet alerts: list, acknowledge, rules, webhooks');

  defineAction(
    alerts
      .command('list')
      .description('Alerts, newest first')
      .option('--state <state>', 'firing, acknowledged, resolved or open')
      .option('--site <code>', 'only this site')
      .option('--rule <rule>', `only this rule: ${RULE_KINDS.join(', ')}`)
      .option('--limit <n>', 'how many', '50'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const page = await listAlerts(
        app,
        parseInput(AlertQuery, pickOptions(opts, ['state', 'site', 'rule', 'limit'])),
      );
      const rows = page.alerts.map((a) => ({
        id: a.id,
        state: a.state,
        rule: a.rule,
        fired: a.firedAt.toISOString(),
        summary: a.summary,
      }));
      return {
        json: page,
        rows: page.alerts,
        text: rows.length === 0 ? 'no alerts' : table(rows, ['id', 'state', 'rule', 'fired', 'summary']),
      };
    },
  );

  defineAction(
    alerts
      .command('ack')
      .argument('<id>', 'the alert')
      .description('Acknowledge an alert: someone is on it')
      .option('--note <text>', 'what is being done'),
    { role: 'ops' },
    async (app, opts, [id]) => {
      const a = await acknowledge(
        app,
        app.actor,
        parseId(id, 'alert'),
        parseInput(AcknowledgeBody, pickOptions(opts, ['note'])),
        app.idempotencyKey,
      );
      return { json: a, text: `alert ${a.id} acknowledged by ${a.acknowledgedBy}: ${a.summary}` };
    },
  );

  defineAction(
    alerts.command('rules').description('Every rule and its settings'),
    { role: 'viewer' },
    async (app) => {
      const rules = await listRules(app);
      return {
        json: rules,
        text: table(
          rules.map((r) => ({
            rule: r.kind,
            on: r.enabled,
            threshold: r.threshold,
            sustain: r.sustainSeconds,
            cooldown: r.cooldownSeconds,
            flap: `${r.flapLimit}/${r.flapWindowSeconds}s`,
            meaning: r.meaning,
          })),
          ['rule', 'on', 'threshold', 'sustain', 'cooldown', 'flap', 'meaning'],
        ),
      };
    },
  );

  defineAction(
    alerts
      .command('set-rule')
      .argument('<rule>', RULE_KINDS.join(', '))
      .description('Change a rule; options not given keep their value')
      .option('--enabled <bool>', 'true or false')
      .option('--threshold <n>', 'see `alerts rules` for what it means per rule')
      .option('--sustain-seconds <n>', 'how long the condition must hold before it fires')
      .option('--cooldown-seconds <n>', 'after a resolution, how long before it may fire again')
      .option('--flap-limit <n>', 'changes within the window that make it flapping (0: off)')
      .option('--flap-window-seconds <n>', 'the flap window'),
    { role: 'ops' },
    async (app, opts, [kind]) => {
      const { kind: rule } = parseInput(RuleKindParam, { kind });
      const change = parseInput(
        RuleChange,
        pickOptions(opts, [
          'enabled',
          'threshold',
          'sustainSeconds',
          'cooldownSeconds',
          'flapLimit',
          'flapWindowSeconds',
        ]),
      );
      const r = await changeRule(app, app.actor, rule, change, app.idempotencyKey);
      return {
        json: r,
        text: `${r.kind}: threshold ${r.threshold}, sustain ${r.sustainSeconds} s, cool-down ${r.cooldownSeconds} s, ${r.enabled ? 'on' : 'off'}`,
      };
    },
  );

  const hooks = alerts.command('webhook').description('Where alerts are delivered');
  defineAction(
    hooks
      .command('add')
      .argument('<url>', 'http(s) address to POST alerts to')
      .option('--secret <text>', 'HMAC secret (default: generated)'),
    { role: 'ops' },
    async (app, opts, [url]) => {
      const w = await addWebhook(
        app,
        app.actor,
        parseInput(WebhookBody, { url, ...pickOptions(opts, ['secret']) }),
        app.idempotencyKey,
      );
      return { json: w, text: `webhook ${w.id}: ${w.url}\nsigning secret (shown once): ${w.secret}` };
    },
  );
  defineAction(hooks.command('list'), { role: 'ops', lists: true }, async (app) => {
    const list = await listWebhooks(app);
    return {
      json: list,
      text:
        list.length === 0
          ? 'no webhooks'
          : table(
              list.map((w) => ({ id: w.id, url: w.url, added: w.addedAt.toISOString(), by: w.addedBy })),
              ['id', 'url', 'added', 'by'],
            ),
    };
  });
  defineAction(hooks.command('remove').argument('<id>'), { role: 'ops' }, async (app, _opts, [id]) => {
    const w = await removeWebhook(app, app.actor, parseId(id, 'webhook'));
    return { json: w, text: `webhook ${w.id} removed` };
  });

  defineAction(
    alerts.command('evaluate').description('Evaluate the rules on the latest sweep now and send what is due'),
    { role: 'ops' },
    async (app) => {
      const r = await evaluateLatest(app);
      const e = r.evaluation;
      return {
        json: r,
        text:
          `sweep ${e.sweep ?? '(none new)'}: ${e.machines} machines, ${e.fired} fired, ${e.resolved} resolved; ` +
          (r.tickets ? `tickets: ${r.tickets.opened} opened, ${r.tickets.added} added to; ` : '') +
          `webhooks: ${r.deliveries.delivered} delivered, ${r.deliveries.failed} to retry`,
      };
    },
  );
}
