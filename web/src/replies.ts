/**
 * The API's replies as the dashboard receives them: each is the server's zod reply schema (beside
 * its route) as `toWireJson` writes it, bigints and Dates as strings. Type-only imports, so none of
 * the server's code or zod is bundled; a change to a reply shows here as a type error, not as a
 * blank figure.
 */
import type { z } from 'zod';
import type * as alerts from '../../src/alerts/responses.js';
import type * as auth from '../../src/auth/responses.js';
import type * as books from '../../src/books/responses.js';
import type * as catalog from '../../src/catalog/responses.js';
import type * as demo from '../../src/demo/responses.js';
import type { NormalisedTelemetry } from '../../src/fleet/protocol/telemetry.js';
import type * as fleet from '../../src/fleet/responses.js';
import type { Wire } from '../../src/kernel/wire.js';
import type * as market from '../../src/market/responses.js';
import type * as mining from '../../src/mining/responses.js';
import type * as miningFigures from '../../src/mining/responses-figures.js';
import type * as planning from '../../src/planning/responses.js';
import type * as reporting from '../../src/reporting/responses.js';
import type * as sales from '../../src/sales/responses.js';
import type * as salesFigures from '../../src/sales/responses-figures.js';
import type * as service from '../../src/service/responses.js';
import type * as supply from '../../src/supply/responses.js';
import type * as supplyPlan from '../../src/supply/responses-plan.js';
import type * as treasury from '../../src/treasury/responses.js';

/** What a route answers, from its reply schema. */
type Reply<S extends z.ZodType> = Wire<z.output<S>>;

export type Me = Reply<typeof auth.Me>;

export type AlertPage = Reply<typeof alerts.AlertPage>;
export type AlertView = Reply<typeof alerts.AlertView>;

export type Product = Reply<typeof catalog.ProductView>;

export type MarketView = Reply<typeof market.MarketView>;

export type Customer = Reply<typeof sales.Customer>;
export type ContractList = Reply<typeof sales.ContractPage>;
export type ContractSummary = ContractList['contracts'][number];
export type ContractView = Reply<typeof sales.ContractView>;
export type ContractDetail = Reply<typeof sales.ContractDetail>;
export type EventRecorded = Reply<typeof sales.EventRecorded>;
export type SalesQuarter = Reply<typeof salesFigures.SalesQuarter>;
export type Scheduled = SalesQuarter['atEnd']['scheduled'][number];

export type Period = Reply<typeof books.PeriodView>;

export type QuarterlyReport = Reply<typeof reporting.QuarterlyReport>;
export type GuidanceLine = Reply<typeof reporting.GuidanceLine>;

export type WaferOrder = Reply<typeof supply.WaferOrder>;
export type Foundry = Reply<typeof supply.Foundry>;
export type Agreement = Reply<typeof supply.Agreement>;
export type Design = Reply<typeof supply.Design>;
export type Build = Reply<typeof supply.Builds>[number];
export type BuildRecorded = Reply<typeof supply.BuildRecorded>;
export type Plan = Reply<typeof supplyPlan.Plan>;
export type Recommendation = Reply<typeof supplyPlan.Recommendation>;

export type FleetSummary = Reply<typeof fleet.FleetSummary>;
export type MachineListPage = Reply<typeof fleet.MachineListPage>;
export type MachineHistory = Reply<typeof fleet.MachineHistory>;
export type HashrateSeries = Reply<typeof fleet.HashrateSeries>;
export type ControlReport = Reply<typeof fleet.ControlReport>;
/** One line of a streamed control: started, a machine's outcome as it confirms, then the report. */
export type ControlLine =
  | { started: { controlId: number; description: string; requested: number } }
  | { progress: { done: number; total: number }; result: ControlReport['results'][number] }
  | { report: ControlReport; status: 200 | 207 | 409 }
  | { error: { code?: string; message: string } };
/** A machine's last poll as the server normalised it (the reply types it loosely: it is stored JSON). */
export type MachineTelemetry = Wire<NormalisedTelemetry>;
export type DemoMachineFault = Reply<typeof demo.DemoMachineFault>;

export type SiteView = Reply<typeof mining.SiteView>;
export type AdviceApplied = Reply<typeof mining.AdviceApplied>;
export type MiningStatus = Reply<typeof miningFigures.MiningStatus>;
export type MiningQuarters = Reply<typeof miningFigures.MiningQuarters>;
export type HashrateDay = Reply<typeof miningFigures.HashrateDays>[number];
export type Advice = Reply<typeof miningFigures.Advice>;
export type MonthEarnings = Reply<typeof miningFigures.MonthEarnings>[number];

export type TreasuryQuarter = Reply<typeof treasury.TreasuryQuarter>;

export type ServiceCentres = Reply<typeof service.Centres>;
export type ServiceSla = Reply<typeof service.SlaReport>;
export type ServiceTickets = Reply<typeof service.Tickets>;
export type ServiceTicket = Reply<typeof service.TicketWithEvidence>;
export type ServiceFailureRates = Reply<typeof service.FailureRates>;
export type ServiceCustomerRecord = Reply<typeof service.CustomerRecord>;
export type ServiceWarranty = Reply<typeof service.WarrantyView>;
export type Scenario = Reply<typeof planning.ScenarioView>;
/** A scenario's inputs as saved (the reply types them loosely; they are the checked body, seed included). */
export type ScenarioInputs = Wire<planning.ScenarioInput>;
export type ScenarioRun = Reply<typeof planning.ScenarioRunView>;
/** One line of a streamed run: progress, then the result or an error. */
export type ScenarioRunLine =
  | { progress: { done: number; total: number } }
  | { result: ScenarioRun }
  | { error: { code?: string; message: string } };
