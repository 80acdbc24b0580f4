import { sql, type Kysely } from 'kysely';

// Seed copied from shared/domain (areas.csv, task-codes.csv) on 2026-11-23. Frozen: later edits are
// made by admins through the API, and later seed changes get a migration of their own.

const AREAS: Record<string, string[]> = {
  'Lakeus': ['Hailuoto', 'Kempele', 'Liminka', 'Lumijoki', 'Muhos', 'Tyrnävä'],
  'Rannikkoseutu': ['Kalajoki', 'Merijärvi', 'Pyhäjoki', 'Raahe', 'Siikajoki'],
  'Oulu': ['Oulu'],
  'Koillismaa': ['Kuusamo', 'Taivalkoski'],
  'Oulunkaari': ['Ii', 'Pudasjärvi', 'Simo', 'Utajärvi', 'Vaala'],
  'Oulun eteläinen': ['Alavieska', 'Haapajärvi', 'Haapavesi', 'Kärsämäki', 'Nivala', 'Oulainen', 'Pyhäjärvi', 'Pyhäntä', 'Reisjärvi', 'Sievi', 'Siikalatva', 'Ylivieska'],
};

// code, Finnish name, English name, urgency classes allowed, realistic for phone assessment
const TASK_CODES: [string, string, string, string, boolean][] = [
  ['700', 'Peruselintoiminnan häiriö: eloton', 'Suspected cardiac arrest (lifeless)', 'A B C', false],
  ['701', 'Elvytys', 'CPR in progress', 'A', false],
  ['702', 'Tajuttomuus', 'Unconscious', 'A B', false],
  ['703', 'Hengitysvaikeus', 'Breathing difficulty', 'A B C D', false],
  ['704', 'Rintakipu', 'Chest pain', 'A B C D', false],
  ['705', 'Rytmihäiriö / äkillisesti heikentynyt yleistila', 'Arrhythmia / acute deterioration', 'A B C', false],
  ['706', 'Aivoverenkiertohäiriö', 'Stroke', 'A B C', false],
  ['707', 'Ensihoitopalveluun kuuluva hoitolaitossiirto', 'EMS inter-facility transfer', 'B C D', false],
  ['711', 'Ilmatie-este', 'Airway obstruction', 'A B', false],
  ['713', 'Hirttyminen / kuristuminen', 'Hanging / strangulation', 'A B', false],
  ['714', 'Hukkuminen', 'Drowning', 'A B', false],
  ['741', 'Putoaminen', 'Fall from height', 'A B C', false],
  ['744', 'Haava', 'Wound', 'A B C D', true],
  ['745', 'Kaatuminen', 'Fall (same level)', 'A B C D', true],
  ['746', 'Isku', 'Blow / impact', 'A B C D', false],
  ['747', 'Vamma: muu', 'Crush / other injury', 'A B C D', false],
  ['751', 'Kaasumyrkytys', 'Gas poisoning', 'A B C', false],
  ['752', 'Myrkytys', 'Poisoning / intoxication', 'A B C D', false],
  ['753', 'Sähköisku', 'Electric shock', 'A B C', false],
  ['754', 'Palovamma', 'Burn', 'A B C', false],
  ['755', 'Ylilämpöisyys', 'Hyperthermia / heat stroke', 'A B C', false],
  ['756', 'Paleltuminen / alilämpöisyys', 'Hypothermia / frostbite', 'A B C', false],
  ['761', 'Verenvuoto: suusta', 'Bleeding from mouth', 'A B C', false],
  ['762', 'Verenvuoto: gynekologinen / urologinen', 'Gynaecological / urological bleeding', 'A B C D', true],
  ['763', 'Verenvuoto: korva / nenä', 'Ear / nose bleeding', 'A B C D', true],
  ['764', 'Verenvuoto: sääri / muu', 'Leg ulcer / other bleeding', 'A B C D', true],
  ['770', 'Sairauskohtaus (epäselvä)', 'Unclear attack', 'B', false],
  ['771', 'Sokeritasapainon häiriö', 'Blood-glucose disturbance', 'A B C', false],
  ['772', 'Kouristelu', 'Seizures', 'A B C D', false],
  ['773', 'Yliherkkyysreaktio', 'Allergic reaction', 'A B C D', false],
  ['774', 'Muu sairastuminen / heikentynyt yleistila', 'Other illness / weakened general condition', 'A B C D', true],
  ['775', 'Oksentelu / ripuli / virtsavaiva', 'Vomiting / diarrhoea / urinary complaint', 'B C D', true],
  ['781', 'Vatsakipu', 'Abdominal pain', 'A B C D', true],
  ['782', 'Pää- / niskakipu', 'Head / neck pain', 'A B C D', true],
  ['783', 'Selkä- / raaja- / vartalokipu', 'Back / limb / trunk pain', 'A B C D', true],
  ['784', 'Raajakipu', 'Limb pain', 'B C D', false],
  ['785', 'Mielenterveysongelma', 'Mental-health problem', 'C D', true],
  ['786', 'Vartalokipu', 'Trunk pain', 'B C D', false],
  ['790', 'Hälytys puhelun aikana', 'Alert during call (code refined later)', 'B', false],
  ['791', 'Synnytys', 'Childbirth', 'A B C D', false],
  ['792', 'Varautuminen ensihoitotehtävään', 'Standby / coverage move', 'B C', false],
  ['793', 'Hoitolaitossiirto', 'Inter-facility transfer', 'A B C D', false],
  ['794', 'Muu sairaankuljetustehtävä', 'Other / scheduled transport', 'D', false],
  ['796', 'Monipotilastilanne / suuronnettomuus', 'Multi-casualty incident', 'A', false],
];
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('area')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  await db.schema
    .createTable('municipality')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('area_id', 'uuid', (c) => c.notNull().references('area.id'))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  await db.schema
    .createTable('task_code')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^7[0-9]{2}$'`))
    .addColumn('name_fi', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('classes_allowed', sql`text[]`, (c) => c.notNull())
    .addColumn('d_callback_candidate', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  for (const [area, municipalities] of Object.entries(AREAS)) {
    const { id } = await db.insertInto('area').values({ name: area }).returning('id').executeTakeFirstOrThrow();
    await db
      .insertInto('municipality')
      .values(municipalities.map((name) => ({ name, area_id: id })))
      .execute();
  }
  await db
    .insertInto('task_code')
    .values(
      TASK_CODES.map(([code, nameFi, nameEn, classes, candidate]) => ({
        code,
        name_fi: nameFi,
        name_en: nameEn,
        classes_allowed: sql`${classes.split(' ')}::text[]`,
        d_callback_candidate: candidate,
      })),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('task_code').execute();
  await db.schema.dropTable('municipality').execute();
  await db.schema.dropTable('area').execute();
}
