import type { Migration } from 'kysely/migration';
import * as m20261123T150000 from './20261123T150000_accounts_sessions_audit.ts';
import * as m20261123T150100 from './20261123T150100_reference_data.ts';
import * as m20261123T150200 from './20261123T150200_socket_io_adapter.ts';
import * as m20261123T160000 from './20261123T160000_task_lifecycle.ts';
import * as m20261123T170000 from './20261123T170000_monthly_reports.ts';
import * as m20261123T180000 from './20261123T180000_dispatch_supersede.ts';
import * as m20261201T010000 from './20261201T010000_protocols.ts';
import * as m20261201T011300 from './20261201T011300_task_code_swedish_names.ts';
import * as m20261201T020000 from './20261201T020000_clinical_audit.ts';
import * as m20261201T110000 from './20261201T110000_referrals.ts';
import * as m20261201T120000 from './20261201T120000_follow_ups.ts';
import * as m20261201T130000 from './20261201T130000_congestion_mode.ts';
import * as m20261201T160000 from './20261201T160000_task_stat_deltas.ts';

/**
 * Every migration, by its file name. Imported statically so that the same list runs under tsx,
 * Vitest and any bundler; a test checks that no file in this folder is missing here.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '20261123T150000_accounts_sessions_audit': m20261123T150000,
  '20261123T150100_reference_data': m20261123T150100,
  '20261123T150200_socket_io_adapter': m20261123T150200,
  '20261123T160000_task_lifecycle': m20261123T160000,
  '20261123T170000_monthly_reports': m20261123T170000,
  '20261123T180000_dispatch_supersede': m20261123T180000,
  '20261201T010000_protocols': m20261201T010000,
  '20261201T011300_task_code_swedish_names': m20261201T011300,
  '20261201T020000_clinical_audit': m20261201T020000,
  '20261201T110000_referrals': m20261201T110000,
  '20261201T120000_follow_ups': m20261201T120000,
  '20261201T130000_congestion_mode': m20261201T130000,
  '20261201T160000_task_stat_deltas': m20261201T160000,
};
