import type { Kysely } from 'kysely';

// Swedish names for the seeded task codes, so the Swedish UI does not show Finnish ones. Frozen like
// the seed: admins edit names through the API afterwards. A code added without a Swedish name
// shows its Finnish one.

const SWEDISH: Record<string, string> = {
  '700': 'Störning i de vitala funktionerna: livlös',
  '701': 'Återupplivning',
  '702': 'Medvetslöshet',
  '703': 'Andningssvårighet',
  '704': 'Bröstsmärta',
  '705': 'Rytmstörning / plötsligt försämrat allmäntillstånd',
  '706': 'Störning i hjärnans blodcirkulation',
  '707': 'Förflyttning mellan vårdinrättningar inom prehospital akutsjukvård',
  '711': 'Hinder i luftvägarna',
  '713': 'Hängning / strypning',
  '714': 'Drunkning',
  '741': 'Fall från höjd',
  '744': 'Sår',
  '745': 'Fall',
  '746': 'Slag',
  '747': 'Skada: annan',
  '751': 'Gasförgiftning',
  '752': 'Förgiftning',
  '753': 'Elstöt',
  '754': 'Brännskada',
  '755': 'Överhettning',
  '756': 'Förfrysning / nedkylning',
  '761': 'Blödning: från munnen',
  '762': 'Blödning: gynekologisk / urologisk',
  '763': 'Blödning: öra / näsa',
  '764': 'Blödning: underben / annan',
  '770': 'Sjukdomsanfall (oklart)',
  '771': 'Störning i sockerbalansen',
  '772': 'Kramper',
  '773': 'Överkänslighetsreaktion',
  '774': 'Annat insjuknande / försämrat allmäntillstånd',
  '775': 'Kräkningar / diarré / urinbesvär',
  '781': 'Buksmärta',
  '782': 'Huvud- / nackvärk',
  '783': 'Rygg- / extremitets- / bålsmärta',
  '784': 'Smärta i extremitet',
  '785': 'Psykiskt problem',
  '786': 'Bålsmärta',
  '790': 'Larm under samtalet',
  '791': 'Förlossning',
  '792': 'Beredskap för prehospitalt uppdrag',
  '793': 'Förflyttning mellan vårdinrättningar',
  '794': 'Annat ambulanstransportuppdrag',
  '796': 'Flerpatientsituation / storolycka',
};

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('task_code').addColumn('name_sv', 'text').execute();
  for (const [code, name] of Object.entries(SWEDISH)) {
    await db.updateTable('task_code').set({ name_sv: name }).where('code', '=', code).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('task_code').dropColumn('name_sv').execute();
}
